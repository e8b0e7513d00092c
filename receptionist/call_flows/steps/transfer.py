"""`transfer`: <Dial> a number; busy / no-answer / failed / canceled go to the fallback."""

from __future__ import annotations

from twilio.twiml.voice_response import Dial

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import TransferStep

CONNECTED = frozenset({"completed", "answered"})
KNOWN_STATUSES = CONNECTED | {"busy", "no-answer", "failed", "canceled"}


def render(ctx: FlowContext, step_id: str, step: TransferStep) -> str | None:
    seq = ctx.wait_here(step_id)
    if step.prompt:
        ctx.say(step.prompt)
    dial = Dial(timeout=step.timeout, action=ctx.url("dialed", step=step_id, seq=seq))
    dial.number(step.number)
    ctx.response.append(dial)
    ctx.log("transfer", step_id, f"dialing {step.number}")
    return None


def handle_result(ctx: FlowContext, step_id: str, step: TransferStep, *, status: str,
                  duration: int | None) -> str | None:
    if status in CONNECTED:
        ctx.log("transfer_completed", step_id, f"talked {duration or 0}s")
        if step.next is None:
            ctx.response.hangup()
        return step.next
    shown = status if status in KNOWN_STATUSES else f"unknown status {status!r}"
    ctx.log("transfer_failed", step_id, shown)
    return step.fallback
