"""`hangup`: an optional goodbye, then end the call."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import HangupStep
from receptionist.call_flows.step_kind import Exit, StepKind
from receptionist.calls.events import EventKind


def render(ctx: FlowContext, step_id: str, step: HangupStep) -> str | None:
    if step.text:
        ctx.say(step.text)
    ctx.hang_up()
    ctx.call.current_step = step_id
    ctx.log(EventKind.hangup, step_id)
    return None


def exits(step: HangupStep) -> list[Exit]:
    return [Exit("", None)]


KIND = StepKind("hangup", HangupStep, render, exits)
