"""The common script edits without YAML: the business's name and greeting, opening hours
and holidays, the main menu's choices (label, key, example sentences, destination),
transfer numbers, message prompts and FAQ answers.

A form never writes a script of its own: it changes those fields in the active version's
YAML (ruamel's round trip keeps every other line, comment and field as the operator wrote
them), and the result is published like any edit: the same validation, history, diff and
rollback. So the YAML editor and the forms edit the same versions.

Owners use the form as operators do, and may change nothing else: every field is checked
for characters that are YAML structure (`admin.form_text`), and the YAML written must read
back as the old script with exactly the form's changes (`admin.script_proof`), or nothing
is published."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from receptionist.admin.form_text import normalised, refused_character
from receptionist.admin.script_proof import Edits, unproven
from receptionist.call_flows.menu_keys import intent_words, keys_sentence, what_choice_does
from receptionist.call_flows.schema import (
    BookStep,
    FaqEntry,
    HoursStep,
    Loc,
    MenuChoice,
    MenuStep,
    MessageStep,
    SayStep,
    Script,
    TransferStep,
)
from receptionist.catalog_text import CatalogText, Refused
from receptionist.i18n import N_
from receptionist.weekly_hours import (
    DAYS,
    format_range,
    parse_closure_lines,
    parse_hours_lines,
)

NEW = "new"  # the form's empty choice row: filled in, it adds a choice
# The fields named by a word of their own in refusals.
_LABELS = {"business": N_("refusal.form.label.business"),
           "greeting": N_("refusal.form.label.greeting"),
           "hours": N_("refusal.form.label.hours"),
           "holidays": N_("refusal.form.label.holidays")}


class FormError(Refused):
    """A field that cannot become YAML (the reason names the field; `name`: the form's
    field at fault, marked beside it)."""

    name: str | None = None

    def at(self, name: str) -> FormError:
        self.name = name
        return self


class UnprovenEdit(FormError):
    """The YAML written would change more than the form's fields (`where`: what else)."""

    def __init__(self, where: list[str]) -> None:
        self.where = where
        super().__init__(N_("refusal.form.unproven"))


# Fields typed in a textarea: several lines (an answer, example sentences, hours).
_MULTILINE_NAMES = frozenset({"greeting", "hours", "holidays", "menu.prompt", "menu.reprompt"})
_MULTILINE_PREFIXES = ("message.", "faq.", "say.")


def _multiline(name: str) -> bool:
    return (name in _MULTILINE_NAMES or name.startswith(_MULTILINE_PREFIXES)
            or (name.startswith("choice.") and name.endswith(".examples")))


def field_label(name: str, script: Script) -> CatalogText | str:
    """A field as the form names it (for refusals)."""
    if name in _LABELS:
        return CatalogText(_LABELS[name])
    kind, _, rest = name.partition(".")
    if kind == "choice":
        index = rest.partition(".")[0]
        menu = script.main_menu_step()
        if index == NEW:
            return CatalogText(N_("refusal.form.label.new_choice"))
        if menu is not None and index.isdigit() and int(index) < len(menu.choices):
            return CatalogText(N_("refusal.form.label.choice"),
                               intent=menu.choices[int(index)].intent)
    elif kind == "transfer" and rest:
        return CatalogText(N_("refusal.form.label.transfer"), step=rest)
    elif kind == "message" and rest:
        return CatalogText(N_("refusal.form.label.message"), step=rest)
    elif kind == "faq" and rest.isdigit():
        return CatalogText(N_("refusal.form.label.answer"), n=int(rest) + 1)
    return name


def checked_fields(posted: Mapping[str, str], script: Script) -> dict[str, str]:
    """The fields with CRLF as LF; FormError for a control or invisible character (a line
    break only in a multi-line field)."""
    checked: dict[str, str] = {}
    for name, value in posted.items():
        text = normalised(value)
        refused = refused_character(text, multiline=_multiline(name))
        if refused is not None:
            raise FormError(N_("refusal.form.character"), field=field_label(name, script),
                            character=refused).at(name)
        checked[name] = text
    return checked


@dataclass
class Choice:
    intent: str
    digit: str
    label: str
    examples: str  # one sentence per line
    goto: str
    what: str = ""  # what callers ask for, in the script's language ("book an appointment")
    removed: bool = False  # ticked for removal (a refused form shows it ticked)


@dataclass
class Said:
    """A sentence of a `say` step the form edits, by what it is for: `hours` (the answer to
    the hours choice) or `closed` (what callers hear when the desk is closed)."""

    step: str
    role: str
    text: str


@dataclass
class Asked:
    """An FAQ entry as callers ask it: what they want (its label, a built-in intent's
    words), some of its questions, and the answer."""

    want: str
    questions: list[str]
    answer: str


@dataclass
class Prompted:
    """A message step's prompt, and when callers hear it (`when`: a catalog message)."""

    step: str
    when: CatalogText | str  # shown in the reader's language
    prompt: str


@dataclass
class ScriptForm:
    """What the form shows and takes (strings, as typed)."""

    business: str = ""
    greeting_step: str | None = None
    greeting: str = ""
    hours: str = ""  # "mon 09:00-12:00 14:00-18:00" per line
    holidays: str = ""  # "2026-12-25 Christmas" per line
    menu_step: str | None = None
    menu_prompt: str = ""  # what callers hear first at the main menu
    menu_reprompt: str = ""  # after a miss (where the keys are usually named)
    choices: list[Choice] = field(default_factory=list)
    new_choice: Choice = field(default_factory=lambda: Choice("", "", "", "", ""))
    says: list[Said] = field(default_factory=list)
    transfers: dict[str, str] = field(default_factory=dict)  # step -> "+1…, +1…"
    messages: list[Prompted] = field(default_factory=list)
    faq: list[Asked] = field(default_factory=list)  # in order
    steps: list[str] = field(default_factory=list)  # where a choice may go
    language: str = "en-US"  # the callers' (what the script says is in it)


def form_of(script: Script) -> ScriptForm:
    form = ScriptForm(business=script.business, steps=list(script.steps),
                      language=script.language)
    start = script.steps.get(script.start)
    if isinstance(start, SayStep):
        form.greeting_step, form.greeting = script.start, start.text
    form.hours = "\n".join(f"{day} " + " ".join(format_range(r) for r in script.hours[day])
                           for day in DAYS if script.hours.get(day))
    form.holidays = "\n".join(f"{h.date.isoformat()} {h.name}".strip()
                              for h in script.holidays)
    menu = script.main_menu_step()
    if menu is not None:
        form.menu_step = script.menu_step_id()
        form.menu_prompt, form.menu_reprompt = menu.prompt, menu.reprompt or ""
        form.choices = [Choice(c.intent, c.digit or "", c.label or "", "\n".join(c.examples),
                               c.goto, what=what_choice_does(c, script.language))
                        for c in menu.choices]
    form.says = said_steps(script)
    whens = message_whens(script)
    for step_id, step in script.steps.items():
        if isinstance(step, TransferStep) and step.targets is None:
            form.transfers[step_id] = ", ".join(g for group in step.groups()
                                                for g in group.numbers)
        elif isinstance(step, MessageStep):
            form.messages.append(Prompted(step_id, whens.get(step_id, CatalogText(
                N_("admin.form.message_other"), step=step_id)), step.prompt))
    form.faq = [Asked(_want(entry, script.language), entry.questions[:3], entry.answer)
                for entry in script.faq]
    return form


def _want(entry: FaqEntry, language: str) -> str:
    return entry.label or intent_words(entry.intent, language) or ""


def said_steps(script: Script) -> list[Said]:
    """The `say` steps the form edits: the answer of the main menu's hours choice, and
    what callers hear when an `hours` step finds the business closed."""
    found: dict[str, Said] = {}
    menu = script.main_menu_step()
    for choice in menu.choices if menu is not None else []:
        if choice.intent == "hours" and isinstance(script.steps.get(choice.goto), SayStep):
            found.setdefault(choice.goto, Said(choice.goto, "hours", ""))
    for step in script.steps.values():
        if isinstance(step, HoursStep):
            for target in (step.closed, step.holiday):
                if target is not None and isinstance(script.steps.get(target), SayStep):
                    found.setdefault(target, Said(target, "closed", ""))
    for said in found.values():
        step = script.steps[said.step]
        assert isinstance(step, SayStep)
        said.text = step.text
    return [said for step_id, said in found.items() if step_id != script.start]


def message_whens(script: Script) -> dict[str, CatalogText]:
    """When callers hear each message step's prompt: after a main menu choice, when no
    time can be booked, when the menu did not understand them."""
    whens: dict[str, CatalogText] = {}
    menu = script.main_menu_step()
    for choice in menu.choices if menu is not None else []:
        whens.setdefault(choice.goto, CatalogText(
            N_("admin.form.message_after_choice"),
            what=what_choice_does(choice, script.language)))
    for step in script.steps.values():
        if isinstance(step, BookStep) and step.fallback is not None:
            whens.setdefault(step.fallback, CatalogText(N_("admin.form.message_no_time")))
        elif isinstance(step, MenuStep):
            whens.setdefault(step.no_match, CatalogText(N_("admin.form.message_not_understood")))
    return whens


def as_typed(form: ScriptForm, posted: Mapping[str, str]) -> ScriptForm:
    """The form with what was posted in place of the script's values (a refused form
    shows what the person typed)."""
    typed = {name: normalised(value) for name, value in posted.items()}
    for name in ("business", "greeting", "hours", "holidays"):
        if name in typed:
            setattr(form, name, typed[name])
    form.menu_prompt = typed.get("menu.prompt", form.menu_prompt)
    form.menu_reprompt = typed.get("menu.reprompt", form.menu_reprompt)
    for index, choice in enumerate(form.choices):
        for part in ("digit", "label", "examples", "goto"):
            value = typed.get(f"choice.{index}.{part}")
            if value is not None:
                setattr(choice, part, value)
        choice.removed = bool(typed.get(f"choice.{index}.remove"))
    for part in ("intent", "digit", "label", "examples", "goto"):
        setattr(form.new_choice, part, typed.get(f"choice.{NEW}.{part}", ""))
    for said in form.says:
        said.text = typed.get(f"say.{said.step}", said.text)
    for step_id in form.transfers:
        form.transfers[step_id] = typed.get(f"transfer.{step_id}", form.transfers[step_id])
    for prompted in form.messages:
        prompted.prompt = typed.get(f"message.{prompted.step}", prompted.prompt)
    for index, asked in enumerate(form.faq):
        asked.answer = typed.get(f"faq.{index}", asked.answer)
    return form


def typed_choices(form: ScriptForm) -> list[MenuChoice]:
    """The menu's choices as typed in the form (removed ones left out, the new one in),
    for the sentence that names their keys; a key that is no key is left out (publishing
    refuses it)."""
    rows = [c for c in form.choices if not c.removed]
    if form.new_choice.intent.strip():
        rows.append(form.new_choice)
    return [MenuChoice.model_construct(
        intent=c.intent.strip(), digit=c.digit.strip() if re.fullmatch(r"[0-9*#]", c.digit.strip())
        else None, label=c.label.strip() or None, goto=c.goto, phrases=[], examples=[])
        for c in rows]


def with_keys_sentence(form: ScriptForm) -> ScriptForm:
    """The form with the sentence after a miss written from its choices."""
    form.menu_reprompt = keys_sentence(typed_choices(form), form.language)
    return form


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _seq(items: list[str], flow: bool = True, quoted: bool = False) -> CommentedSeq:
    seq = CommentedSeq([DoubleQuotedScalarString(i) for i in items] if quoted else items)
    if flow:
        seq.fa.set_flow_style()
    return seq


def apply(yaml_text: str, script: Script, posted: Mapping[str, str]) -> str:
    """The YAML with the posted fields changed (`posted`: the form's fields by name).
    Raises FormError for a field that cannot be written, and UnprovenEdit when the YAML
    written would not read back as exactly the old script with the form's changes."""
    posted = checked_fields(posted, script)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # what the form does not change stays byte for byte
    yaml.width = 4096  # never re-wrap the operator's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)  # "  - item", as the scripts are written
    tree = yaml.load(yaml_text)
    if not isinstance(tree, CommentedMap):
        raise FormError(N_("refusal.form.not_a_mapping"))
    edits = Edits(tree)
    if "business" in posted:
        edits.set(("business",), posted["business"].strip())
    greeting = form_of(script).greeting_step
    if greeting is not None and "greeting" in posted:
        edits.set(("steps", greeting, "text"), posted["greeting"].strip())
    if "hours" in posted:
        _apply_hours(edits, posted)
    _apply_choices(edits, script, posted)
    menu_id, menu = script.menu_step_id(), script.main_menu_step()
    if menu_id is not None and menu is not None:
        for name in ("prompt", "reprompt"):
            _set_text(edits, ("steps", menu_id, name), getattr(menu, name) or "",
                      posted.get(f"menu.{name}"), optional=name == "reprompt")
    for said in said_steps(script):
        _set_text(edits, ("steps", said.step, "text"), said.text, posted.get(f"say.{said.step}"))
    for step_id in form_of(script).transfers:
        key = f"transfer.{step_id}"
        if key in posted:
            numbers = [n.strip() for n in posted[key].replace(";", ",").split(",")
                       if n.strip()]
            node = tree["steps"][step_id]
            for old in ("number", "numbers"):
                if old in node:
                    edits.delete(("steps", step_id, old))
            if len(numbers) == 1:
                edits.insert(("steps", step_id, "number"), 1, numbers[0])
            else:
                edits.insert(("steps", step_id, "numbers"), 1, _seq(numbers))
    for prompted in form_of(script).messages:
        key = f"message.{prompted.step}"
        if key in posted:
            edits.set(("steps", prompted.step, "prompt"), posted[key].strip())
    for index in range(len(script.faq)):
        key = f"faq.{index}"
        if key in posted:
            edits.set(("faq", index, "answer"), posted[key].strip())
    out = io.StringIO()
    yaml.dump(tree, out)
    written = out.getvalue()
    differ = unproven(yaml_text, written, edits.done)
    if differ:
        raise UnprovenEdit(differ)
    return written


def _set_text(edits: Edits, path: Loc, old: str, typed: str | None, *,
              optional: bool = False) -> None:
    """A spoken text changed only when the form changed it (an untouched folded text
    keeps its layout); an optional one emptied is removed."""
    if typed is None or typed.strip() == old.strip():
        return
    node = edits.tree
    for part in path[:-1]:
        node = node[part]
    if not typed.strip() and optional:
        if path[-1] in node:
            edits.delete(path)
        return
    value = typed.strip()
    was = node.get(path[-1])
    edits.set(path, FoldedScalarString(value) if isinstance(was, FoldedScalarString) else value)


def _apply_hours(edits: Edits, posted: Mapping[str, str]) -> None:
    try:
        weekly = parse_hours_lines(posted["hours"])
    except Refused as exc:
        raise FormError(exc.text.msgid, **exc.text.fields).at("hours") from None
    except ValueError as exc:  # not one of the parsers' own refusals: said as it came
        raise FormError(N_("refusal.form.field"), field=CatalogText(_LABELS["hours"]),
                        reason=str(exc)).at("hours") from None
    try:
        closures = parse_closure_lines(posted.get("holidays", ""))
    except Refused as exc:
        raise FormError(exc.text.msgid, **exc.text.fields).at("holidays") from None
    except ValueError as exc:
        raise FormError(N_("refusal.form.field"), field=CatalogText(_LABELS["holidays"]),
                        reason=str(exc)).at("holidays") from None
    hours = CommentedMap()
    for day in DAYS:
        if day in weekly:
            hours[day] = _seq(weekly[day], quoted=True)
    edits.set(("hours",), hours)
    holidays = CommentedSeq()
    for closed in closures:
        if closed["end"] != closed["start"]:
            raise FormError(N_("refusal.form.holiday_dates")).at("holidays")
        entry = CommentedMap([("date", date.fromisoformat(closed["start"]))])
        if closed["name"]:
            entry["name"] = closed["name"]
        entry.fa.set_flow_style()
        holidays.append(entry)
    edits.set(("holidays",), holidays)


def _apply_choices(edits: Edits, script: Script, posted: Mapping[str, str]) -> None:
    menu_id = script.menu_step_id()
    menu = script.main_menu_step()
    if menu_id is None or not isinstance(menu, MenuStep):
        return
    choices = edits.tree["steps"][menu_id]["choices"]
    keep = CommentedSeq()
    for index, node in enumerate(choices):
        prefix = f"choice.{index}."
        if posted.get(prefix + "remove"):
            continue
        _set_choice(node, prefix, posted)
        keep.append(node)
    prefix = f"choice.{NEW}."
    intent = posted.get(prefix + "intent", "").strip()
    if intent:
        node = CommentedMap([("intent", intent)])
        _set_choice(node, prefix, posted)
        keep.append(node)
    edits.set(("steps", menu_id, "choices"), keep)


def _set_choice(node: CommentedMap, prefix: str, posted: Mapping[str, str]) -> None:
    for name in ("digit", "label", "goto"):
        if prefix + name not in posted:
            continue
        value = posted[prefix + name].strip()
        if value:
            node[name] = DoubleQuotedScalarString(value) if name == "digit" else value
        elif name in node and name != "goto":
            del node[name]
    if prefix + "examples" in posted:
        examples = _lines(posted[prefix + "examples"])
        if examples:
            node["examples"] = _seq(examples, flow=False)
        elif "examples" in node:
            del node["examples"]


def field_of(path: str, script: Script, posted: Mapping[str, str]) -> str | None:
    """The form's field that a problem of the published script is about (`path`: where
    in the YAML, as `ScriptProblem.path` says it), or None (it is about no field the form
    shows). A choice's index in the script written is mapped back to its row in the form
    (rows ticked for removal are gone; the new row is last)."""
    parts = path.split(".")
    head = parts[0]
    if head in ("business", "hours", "holidays"):
        return head
    if head == "faq" and len(parts) >= 2 and parts[1].isdigit():
        return f"faq.{parts[1]}"
    if head != "steps" or len(parts) < 3:
        return None
    step_id, name = parts[1], parts[2]
    if step_id == script.menu_step_id():
        if name in ("prompt", "reprompt"):
            return f"menu.{name}"
        if name == "choices":
            return _choice_field(parts[3:], script, posted)
    step = script.steps.get(step_id)
    if isinstance(step, SayStep):
        if step_id == script.start:
            return "greeting"
        return f"say.{step_id}" if any(s.step == step_id for s in said_steps(script)) else None
    if isinstance(step, TransferStep) and name in ("number", "numbers"):
        return f"transfer.{step_id}"
    if isinstance(step, MessageStep) and name == "prompt":
        return f"message.{step_id}"
    return None


def _choice_field(rest: list[str], script: Script, posted: Mapping[str, str]) -> str:
    menu = script.main_menu_step()
    count = len(menu.choices) if menu is not None else 0
    rows: list[str] = [str(i) for i in range(count) if not posted.get(f"choice.{i}.remove")]
    if posted.get(f"choice.{NEW}.intent", "").strip():
        rows.append(NEW)
    if not rest or not rest[0].isdigit() or int(rest[0]) >= len(rows):
        return "choices"
    part = rest[1] if len(rest) > 1 else "digit"
    part = {"phrases": "examples", "intent": "intent" if rows[int(rest[0])] == NEW
            else "digit"}.get(part, part)
    if part not in ("digit", "label", "examples", "goto", "intent"):
        part = "digit"
    return f"choice.{rows[int(rest[0])]}.{part}"
