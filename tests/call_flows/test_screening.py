"""The screening dialogue with the person rung, in neutral terms (twilio/screening.py only
turns its callbacks into a `Leg` and a key)."""

from __future__ import annotations

from sqlmodel import Session

from receptionist.call_flows import screening
from receptionist.call_flows.actions import Gather, Hangup
from receptionist.call_flows.schema import TransferStep
from receptionist.calls.events import EventKind
from tests.call_flows.flow_helpers import demo_ctx, gather_query, said
from tests.conftest import FixedClock

RUNG = "+15550001111"


def test_the_answer_kept_on_the_call_is_read_for_its_own_transfer_only() -> None:
    assert screening.answer_for(f"3:accepted:{RUNG}", 3) == ("accepted", RUNG)
    assert screening.answer_for("3:silent:", 3) == ("silent", "")
    assert screening.answer_for(f"2:accepted:{RUNG}", 3) == (None, "")
    assert screening.answer_for(None, 3) == (None, "")
    assert screening.answer_for("", None) == (None, "")


def test_a_caller_no_longer_waiting_ends_the_leg(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    leg = screening.Leg(step="transfer", seq=ctx.call.seq + 1, parent=ctx.call.call_sid)
    assert screening.waiting_transfer(ctx, leg) is None
    assert isinstance(ctx.actions[-1], Hangup) and len(said(ctx.actions)) == 1
    assert [e.kind for e in ctx.events] == [EventKind.transfer_late]
    ctx.actions.clear()
    assert screening.waiting_transfer(ctx, screening.Leg(
        "main_menu", ctx.call.seq, ctx.call.call_sid)) is None


def test_keys_accept_decline_or_repeat_then_silence(session: Session,
                                                    clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    leg = screening.Leg(step="transfer", seq=ctx.call.seq, parent=ctx.call.call_sid)
    step = screening.waiting_transfer(ctx, leg)
    assert isinstance(step, TransferStep) and ctx.actions == []
    screening.announce_to(ctx, step, leg, RUNG)
    assert gather_query(ctx) == {"step": "transfer", "seq": leg.seq, "parent": leg.parent,
                                 "attempt": 0}
    assert isinstance(ctx.actions[-1], Gather) and ctx.actions[-1].timeout == 5
    ctx.actions.clear()
    screening.answer(ctx, step, leg, "", RUNG)  # nothing pressed: once more
    assert gather_query(ctx)["attempt"] == 1 and ctx.call.transfer_answer is None
    ctx.actions.clear()
    screening.answer(ctx, step, screening.Leg("transfer", leg.seq, leg.parent, 1), "", RUNG)
    assert ctx.call.transfer_answer == f"{leg.seq}:silent:{RUNG}"
    assert isinstance(ctx.actions[-1], Hangup)
    screening.answer(ctx, step, leg, step.decline_key, RUNG)
    assert ctx.call.transfer_answer == f"{leg.seq}:declined:{RUNG}"
    ctx.actions.clear()
    screening.answer(ctx, step, leg, step.accept_key, RUNG)
    assert ctx.call.transfer_answer == f"{leg.seq}:accepted:{RUNG}"
    assert not any(isinstance(a, Hangup) for a in ctx.actions)
    assert screening.answer_for(ctx.call.transfer_answer, leg.seq) == ("accepted", RUNG)
