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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from receptionist.admin.form_text import normalised, refused_character
from receptionist.admin.script_proof import Edits, unproven
from receptionist.call_flows.schema import (
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
    """A field that cannot become YAML (the reason names the field)."""


class UnprovenEdit(FormError):
    """The YAML written would change more than the form's fields (`where`: what else)."""

    def __init__(self, where: list[str]) -> None:
        self.where = where
        super().__init__(N_("refusal.form.unproven"))


# Fields typed in a textarea: several lines (an answer, example sentences, hours).
_MULTILINE_NAMES = frozenset({"greeting", "hours", "holidays"})
_MULTILINE_PREFIXES = ("message.", "faq.")


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
                            character=refused)
        checked[name] = text
    return checked


@dataclass
class Choice:
    intent: str
    digit: str
    label: str
    examples: str  # one sentence per line
    goto: str


@dataclass
class ScriptForm:
    """What the form shows and takes (strings, as typed)."""

    business: str = ""
    greeting_step: str | None = None
    greeting: str = ""
    hours: str = ""  # "mon 09:00-12:00 14:00-18:00" per line
    holidays: str = ""  # "2026-12-25 Christmas" per line
    menu_step: str | None = None
    choices: list[Choice] = field(default_factory=list)
    transfers: dict[str, str] = field(default_factory=dict)  # step -> "+1…, +1…"
    messages: dict[str, str] = field(default_factory=dict)  # step -> prompt
    faq: list[str] = field(default_factory=list)  # answers, in order
    steps: list[str] = field(default_factory=list)  # where a choice may go


def form_of(script: Script) -> ScriptForm:
    form = ScriptForm(business=script.business, steps=list(script.steps))
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
        form.choices = [Choice(c.intent, c.digit or "", c.label or "", "\n".join(c.examples),
                               c.goto) for c in menu.choices]
    for step_id, step in script.steps.items():
        if isinstance(step, TransferStep) and step.targets is None:
            form.transfers[step_id] = ", ".join(g for group in step.groups()
                                                for g in group.numbers)
        elif isinstance(step, MessageStep):
            form.messages[step_id] = step.prompt
    form.faq = [entry.answer for entry in script.faq]
    return form


def as_typed(form: ScriptForm, posted: Mapping[str, str]) -> ScriptForm:
    """The form with what was posted in place of the script's values (a refused form
    shows what the person typed)."""
    typed = {name: normalised(value) for name, value in posted.items()}
    for name in ("business", "greeting", "hours", "holidays"):
        if name in typed:
            setattr(form, name, typed[name])
    for index, choice in enumerate(form.choices):
        for part in ("digit", "label", "examples", "goto"):
            value = typed.get(f"choice.{index}.{part}")
            if value is not None:
                setattr(choice, part, value)
    for kind, values in (("transfer", form.transfers), ("message", form.messages)):
        for step_id in values:
            values[step_id] = typed.get(f"{kind}.{step_id}", values[step_id])
    form.faq = [typed.get(f"faq.{index}", answer) for index, answer in enumerate(form.faq)]
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
    for step_id in form_of(script).messages:
        key = f"message.{step_id}"
        if key in posted:
            edits.set(("steps", step_id, "prompt"), posted[key].strip())
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


def _apply_hours(edits: Edits, posted: Mapping[str, str]) -> None:
    try:
        weekly = parse_hours_lines(posted["hours"])
        closures = parse_closure_lines(posted.get("holidays", ""))
    except Refused as exc:
        raise FormError(exc.text.msgid, **exc.text.fields) from None
    except ValueError as exc:  # not one of the parsers' own refusals: said as it came
        raise FormError(N_("refusal.form.field"), field=CatalogText(_LABELS["hours"]),
                        reason=str(exc)) from None
    hours = CommentedMap()
    for day in DAYS:
        if day in weekly:
            hours[day] = _seq(weekly[day], quoted=True)
    edits.set(("hours",), hours)
    holidays = CommentedSeq()
    for closed in closures:
        if closed["end"] != closed["start"]:
            raise FormError(N_("refusal.form.holiday_dates"))
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
