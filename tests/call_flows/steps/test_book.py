"""`book` against the demo business's real agenda (database)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from receptionist.appointments import service as appointments
from receptionist.appointments.availability import epoch
from receptionist.call_flows.actions import Gather, Record
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer, KeyPressed
from receptionist.call_flows.listening import ListenFor
from receptionist.call_flows.schema import BookStep
from receptionist.call_flows.step_kind import FlowError
from receptionist.call_flows.steps import book
from tests.call_flows.flow_helpers import CALLER, demo_ctx, gather_query, logged
from tests.conftest import FixedClock


def _book_step(ctx: FlowContext) -> BookStep:
    step = ctx.script.steps["book"]
    assert isinstance(step, BookStep)
    return step


def test_book_offers_the_first_free_slots_by_key_and_voice(session: Session,
                                                           clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = _book_step(ctx)
    assert book.render(ctx, "book", step) is None
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather) and gather.callback.route == "book"
    query = dict(gather.callback.query)
    assert query["stage"] == "offer" and query["slots"]
    listen = ListenFor.load(ctx.call.step_data)
    assert listen is not None and listen.answer == "key" and listen.route == "book"
    assert "9" in [o.digit for o in listen.options]  # "another day"


def test_book_confirms_books_and_asks_the_name(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = _book_step(ctx)
    book.render(ctx, "book", step)
    slots = str(gather_query(ctx)["slots"])
    first = int(slots.split(",")[0])
    assert book.resume(ctx, "book", step, BookingAnswer("offer", "1", 0, slots=slots)) is None
    assert gather_query(ctx)["stage"] == "confirm"
    assert book.resume(ctx, "book", step, BookingAnswer("confirm", "1", 0, slot=first)) is None
    assert ("booked", "book") in logged(ctx)
    assert isinstance(ctx.actions[-2], Record)  # the caller's name, after the beep
    booked = appointments.upcoming_for_caller(session, tenant_id=ctx.call.tenant_id or 0,
                                              caller_number=CALLER, now=clock())
    assert booked is not None and epoch(booked.starts_at) == first


def test_book_gives_up_after_retries_and_refuses_foreign_stages(
        session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = _book_step(ctx)
    book.render(ctx, "book", step)
    slots = str(gather_query(ctx)["slots"])
    answer = BookingAnswer("offer", "", book.RETRIES, slots=slots)
    assert book.resume(ctx, "book", step, answer) == step.fallback
    with pytest.raises(FlowError, match="does not belong"):
        book.resume(ctx, "book", step, BookingAnswer("manage", "1", 0))
    with pytest.raises(FlowError, match="cannot take KeyPressed"):
        book.resume(ctx, "book", step, KeyPressed("1", 0))
