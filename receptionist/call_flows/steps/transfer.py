"""`transfer`: dial a number; busy / no-answer / failed / canceled go to the fallback."""

from __future__ import annotations

from receptionist.call_flows.actions import Callback, Dial
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import DialResult, Event
from receptionist.call_flows.schema import TransferStep
from receptionist.call_flows.step_kind import Exit, StepKind, unexpected

CONNECTED = frozenset({"completed", "answered"})
KNOWN_STATUSES = CONNECTED | {"busy", "no-answer", "failed", "canceled"}


def render(ctx: FlowContext, step_id: str, step: TransferStep) -> str | None:
    seq = ctx.wait_here(step_id)
    if step.prompt:
        ctx.say(step.prompt)
    ctx.do(Dial(step.number, timeout=step.timeout,
                callback=Callback.to("dialed", step=step_id, seq=seq)))
    ctx.log("transfer", step_id, f"dialing {step.number}")
    return None


def resume(ctx: FlowContext, step_id: str, step: TransferStep, event: Event) -> str | None:
    if not isinstance(event, DialResult):
        raise unexpected(step_id, event)
    if event.status in CONNECTED:
        ctx.log("transfer_completed", step_id, f"talked {event.duration or 0}s")
        if step.next is None:
            ctx.hang_up()
            ctx.log("end", step_id)
        return step.next
    shown = (event.status if event.status in KNOWN_STATUSES
             else f"unknown status {event.status!r}")
    ctx.log("transfer_failed", step_id, shown)
    return step.fallback


def exits(step: TransferStep) -> list[Exit]:
    return [*([Exit("next", step.next, ("next",))] if step.next else []),
            Exit("fallback", step.fallback, ("fallback",))]


KIND = StepKind("transfer", TransferStep, render, exits, resume)
