"""`say`: speak a text, then go on."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import SayStep
from receptionist.call_flows.step_kind import Exit, StepKind


def render(ctx: FlowContext, step_id: str, step: SayStep) -> str | None:
    ctx.say(step.text)
    return step.next


def exits(step: SayStep) -> list[Exit]:
    return [Exit("next", step.next, ("next",), instant=True)]


KIND = StepKind("say", SayStep, render, exits)
