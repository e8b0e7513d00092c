"""`hangup`: an optional goodbye, then end the call."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import HangupStep


def render(ctx: FlowContext, step_id: str, step: HangupStep) -> str | None:
    if step.text:
        ctx.say(step.text)
    ctx.response.hangup()
    ctx.call.current_step = step_id
    ctx.log("hangup", step_id)
    return None
