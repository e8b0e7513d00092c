"""`say`: speak a text, then go on."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import SayStep


def render(ctx: FlowContext, step_id: str, step: SayStep) -> str | None:
    ctx.say(step.text)
    return step.next
