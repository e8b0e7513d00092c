"""`say`: speak a text, then go on. Fields in the text:
- `{opening_hours}`: the hours as said now ("We are open today until 6 PM."), from the
  script's hours and holidays;
- `{caller_name}`: the caller's name when the business knows it (a contact, a booking),
  else nothing ("Hello {caller_name}, …" → "Hello Jane, …" or "Hello, …").
`{{` and `}}` are literal braces; nothing else in braces is allowed (text_fields)."""

from __future__ import annotations

import re

from receptionist import text_fields
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.hours import hours_answer
from receptionist.call_flows.schema import SAY_FIELDS, SayStep
from receptionist.call_flows.step_kind import Exit, Problem, StepKind
from receptionist.contacts import service as contacts
from receptionist.i18n import lang_key


def _without_name(text: str, language: str) -> str:
    """A text filled with an empty name: no space left before a comma or a full stop (nor
    before ! ? ; : in English; French keeps that space), no punctuation first."""
    text = " ".join(text.split())
    tight = ",." if lang_key(language) == "fr" else ",.!?;:"
    text = re.sub(rf"\s+([{re.escape(tight)}])", r"\1", text)
    return re.sub(r"^[\s,.;:]+", "", text)


def render(ctx: FlowContext, step_id: str, step: SayStep) -> str | None:
    used = text_fields.fields(step.text)
    values: dict[str, str] = {}
    if "opening_hours" in used:
        values["opening_hours"] = hours_answer(ctx.script, ctx.now)
    if "caller_name" in used:
        assert ctx.call.tenant_id is not None
        values["caller_name"] = contacts.name_of(ctx.session, tenant_id=ctx.call.tenant_id,
                                                 number=ctx.call.from_number)
    text = text_fields.fill(step.text, values)
    if "caller_name" in used and not values["caller_name"]:
        text = _without_name(text, ctx.language)
    # A caller's name in the audio: a prompt kept only as long as the call needs it.
    ctx.say(text, personal=bool(values.get("caller_name")))
    return step.next


def exits(step: SayStep) -> list[Exit]:
    return [Exit("next", step.next, ("next",), instant=True)]


def problems(step: SayStep) -> list[Problem]:
    return [(("text",), reason) for reason in text_fields.problems(step.text, SAY_FIELDS)]


KIND = StepKind("say", SayStep, render, exits, problems=problems)
