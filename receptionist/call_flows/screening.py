"""Screening a transfer, on the leg of the person rung: the announcement when they pick up
(`announce_to`), then their key (`answer`). Their answer is kept on the caller's call
(`Call.transfer_answer`, "seq:answer:number"), which the transfer step's `DialResult`
reads when the ring ends (`answer_for`): only the accept key makes a transfer (a voicemail
that picks up presses none).

Provider-neutral: the adapter turns its callbacks into a `Leg` and a key, and renders the
actions left on the context (the announcement is `call_flows/announce.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from receptionist.call_flows import announce
from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import TransferStep
from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.i18n import gettext

SCREEN_TIMEOUT = 5  # seconds the person rung has to press a key after the announcement
ANSWER_MAX = 120  # `Call.transfer_answer`'s length


@dataclass(frozen=True)
class Leg:
    """Where the leg of the person rung stands: the caller's transfer step and its
    sequence number, the caller's call (the provider's id) and the announcement's attempt
    (0, then 1 when it was repeated)."""

    step: str
    seq: int | None
    parent: str
    attempt: int = 0


def waiting_transfer(ctx: FlowContext, leg: Leg) -> TransferStep | None:
    """The transfer step the caller is still waiting in; else None, and the person rung
    is told the caller is gone and their leg ends (the actions on `ctx`)."""
    step = ctx.script.steps.get(leg.step)
    if (not isinstance(step, TransferStep) or ctx.call.seq != leg.seq
            or ctx.call.status in calls.TERMINAL_STATUSES):
        ctx.log(EventKind.transfer_late, leg.step, EventFields(reason=Reason.caller_gone))
        ctx.say(gettext(ctx.language, "call.screen_gone"))
        ctx.hang_up()
        return None
    return step


def announce_to(ctx: FlowContext, step: TransferStep, leg: Leg, number: str, *,
                attempt: int = 0) -> None:
    """Who is calling and why, and the key that takes the call (the person rung at
    `number` hears it; the caller keeps hearing ringing)."""
    gather = Gather(Callback.to("screened", step=leg.step, seq=leg.seq, parent=leg.parent,
                                attempt=attempt),
                    timeout=SCREEN_TIMEOUT)
    ctx.say(announce.announcement(ctx, step), into=gather, personal=True)  # who, and why
    ctx.do(gather)
    ctx.log(EventKind.transfer_announced, leg.step,
            EventFields(number=number, attempt=attempt + 1))


def _keep(ctx: FlowContext, leg: Leg, answer: str, number: str) -> None:
    ctx.call.transfer_answer = f"{leg.seq}:{answer}:{number}"[:ANSWER_MAX]


def answer(ctx: FlowContext, step: TransferStep, leg: Leg, key: str, number: str) -> None:
    """The key the person rung at `number` pressed after the announcement ("" for none):
    accepted, declined, or the announcement once more, then silent."""
    if key == step.accept_key:
        _keep(ctx, leg, "accepted", number)
        ctx.log(EventKind.transfer_accepted, leg.step, EventFields(number=number))
        ctx.say(gettext(ctx.language, "call.screen_connecting"))
    elif key == step.decline_key:
        _keep(ctx, leg, "declined", number)
        ctx.log(EventKind.transfer_declined, leg.step, EventFields(number=number))
        ctx.say(gettext(ctx.language, "call.screen_declined"))
        ctx.hang_up()
    elif leg.attempt == 0:
        announce_to(ctx, step, leg, number, attempt=1)
    else:
        _keep(ctx, leg, "silent", number)
        ctx.log(EventKind.transfer_unanswered, leg.step, EventFields(number=number))
        ctx.hang_up()


def answer_for(kept: str | None, seq: int | None) -> tuple[str | None, str]:
    """What the person rung answered at the transfer step numbered `seq`, and their
    number, from `Call.transfer_answer`: (None, "") when nobody answered there."""
    if kept:
        kept_seq, _, rest = kept.partition(":")
        if kept_seq == str(seq):
            answer, _, by = rest.partition(":")
            return answer, by
    return None, ""
