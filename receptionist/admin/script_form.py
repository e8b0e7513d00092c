"""The common script edits without YAML: the business's name and greeting, opening hours
and holidays, the main menu's choices (label, key, example sentences, destination),
transfer numbers, message prompts and FAQ answers.

A form never writes a script of its own: it changes those fields in the active version's
YAML (ruamel's round trip keeps every other line, comment and field as the operator wrote
them), and the result is published like any edit: the same validation, history, diff and
rollback. So the YAML editor and the forms edit the same versions."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from receptionist.call_flows.schema import (
    MenuStep,
    MessageStep,
    SayStep,
    Script,
    TransferStep,
)
from receptionist.weekly_hours import (
    DAYS,
    format_range,
    parse_closure_lines,
    parse_hours_lines,
)

NEW = "new"  # the form's empty choice row: filled in, it adds a choice


class FormError(ValueError):
    """A field that cannot become YAML (the reason names the field)."""


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


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _seq(items: list[str], flow: bool = True, quoted: bool = False) -> CommentedSeq:
    seq = CommentedSeq([DoubleQuotedScalarString(i) for i in items] if quoted else items)
    if flow:
        seq.fa.set_flow_style()
    return seq


def apply(yaml_text: str, script: Script, posted: Mapping[str, str]) -> str:
    """The YAML with the posted fields changed (`posted`: the form's fields by name)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # what the form does not change stays byte for byte
    yaml.width = 4096  # never re-wrap the operator's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)  # "  - item", as the scripts are written
    tree = yaml.load(yaml_text)
    if not isinstance(tree, CommentedMap):
        raise FormError("the script is not a mapping")
    steps = tree["steps"]
    if "business" in posted:
        tree["business"] = posted["business"].strip()
    greeting = form_of(script).greeting_step
    if greeting is not None and "greeting" in posted:
        steps[greeting]["text"] = posted["greeting"].strip()
    if "hours" in posted:
        try:
            weekly = parse_hours_lines(posted["hours"])
            closures = parse_closure_lines(posted.get("holidays", ""))
        except ValueError as exc:
            raise FormError(str(exc)) from None
        hours = CommentedMap()
        for day in DAYS:
            if day in weekly:
                hours[day] = _seq(weekly[day], quoted=True)
        tree["hours"] = hours
        holidays = CommentedSeq()
        for closed in closures:
            if closed["end"] != closed["start"]:
                raise FormError("holidays: one date per line (for longer closures, "
                                "one line per day)")
            entry = CommentedMap([("date", date.fromisoformat(closed["start"]))])
            if closed["name"]:
                entry["name"] = closed["name"]
            entry.fa.set_flow_style()
            holidays.append(entry)
        tree["holidays"] = holidays
    _apply_choices(steps, script, posted)
    for step_id in form_of(script).transfers:
        key = f"transfer.{step_id}"
        if key in posted:
            numbers = [n.strip() for n in posted[key].replace(";", ",").split(",")
                       if n.strip()]
            node = steps[step_id]
            for old in ("number", "numbers"):
                if old in node:
                    del node[old]
            if len(numbers) == 1:
                node.insert(1, "number", numbers[0])
            else:
                node.insert(1, "numbers", _seq(numbers))
    for step_id in form_of(script).messages:
        key = f"message.{step_id}"
        if key in posted:
            steps[step_id]["prompt"] = posted[key].strip()
    for index in range(len(script.faq)):
        key = f"faq.{index}"
        if key in posted:
            tree["faq"][index]["answer"] = posted[key].strip()
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


def _apply_choices(steps: CommentedMap, script: Script, posted: Mapping[str, str]) -> None:
    menu_id = script.menu_step_id()
    menu = script.main_menu_step()
    if menu_id is None or not isinstance(menu, MenuStep):
        return
    choices = steps[menu_id]["choices"]
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
    steps[menu_id]["choices"] = keep


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
