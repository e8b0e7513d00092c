"""`say`: speak a text, then go on. Fields in the text:
- `{opening_hours}`: the hours as said now ("We are open today until 6 PM."), from the
  script's hours and holidays;
- `{caller_name}`: the caller's name when the business knows it (a contact, a booking),
  else nothing ("Hello {caller_name}, …" → "Hello Jane, …" or "Hello, …")."""

from __future__ import annotations

import re

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.hours import hours_answer
from receptionist.call_flows.schema import SAY_FIELDS, Loc, SayStep, template_fields
from receptionist.call_flows.step_kind import Exit, StepKind
from receptionist.contacts import service as contacts
from receptionist.i18n import lang_key

HOURS_FIELD = "{opening_hours}"
NAME_FIELD = "{caller_name}"


def _without_name(text: str, language: str) -> str:
    """The text with an empty name: no space left before a comma or a full stop (nor
    before ! ? ; : in English; French keeps that space), no punctuation first."""
    text = " ".join(text.replace(NAME_FIELD, "").split())
    tight = ",." if lang_key(language) == "fr" else ",.!?;:"
    text = re.sub(rf"\s+([{re.escape(tight)}])", r"\1", text)
    return re.sub(r"^[\s,.;:]+", "", text)


def render(ctx: FlowContext, step_id: str, step: SayStep) -> str | None:
    text, personal = step.text, False
    if HOURS_FIELD in text:
        text = text.replace(HOURS_FIELD, hours_answer(ctx.script, ctx.now))
    if NAME_FIELD in text:
        assert ctx.call.tenant_id is not None
        name = contacts.name_of(ctx.session, tenant_id=ctx.call.tenant_id,
                                number=ctx.call.from_number)
        text = text.replace(NAME_FIELD, name) if name else _without_name(text, ctx.language)
        personal = bool(name)
    ctx.say(text, personal=personal)
    return step.next


def exits(step: SayStep) -> list[Exit]:
    return [Exit("next", step.next, ("next",), instant=True)]


def problems(step: SayStep) -> list[tuple[Loc, str]]:
    unknown = [f for f in template_fields(step.text) if f not in SAY_FIELDS]
    if unknown:
        return [(("text",), f"unknown field {{{unknown[0]}}} (use "
                 + " or ".join(f"{{{f}}}" for f in sorted(SAY_FIELDS)) + ")")]
    return []


KIND = StepKind("say", SayStep, render, exits, problems=problems)
