"""`say`: speak a text, then go on. `{opening_hours}` in the text is replaced by the hours
as said now ("We are open today until 6 PM."), from the script's hours and holidays."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.hours import hours_answer
from receptionist.call_flows.schema import SayStep
from receptionist.call_flows.step_kind import Exit, StepKind

HOURS_FIELD = "{opening_hours}"


def render(ctx: FlowContext, step_id: str, step: SayStep) -> str | None:
    text = step.text
    if HOURS_FIELD in text:
        text = text.replace(HOURS_FIELD, hours_answer(ctx.script, ctx.now))
    ctx.say(text)
    return step.next


def exits(step: SayStep) -> list[Exit]:
    return [Exit("next", step.next, ("next",), instant=True)]


KIND = StepKind("say", SayStep, render, exits)
