"""book and manage_booking against the demo business's real agenda (database)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from receptionist.appointments import service as appointments
from receptionist.appointments.availability import epoch
from receptionist.call_flows.actions import Gather, Record
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer, KeyPressed
from receptionist.call_flows.listening import ListenFor
from receptionist.call_flows.schema import BookStep, ManageBookingStep
from receptionist.call_flows.step_kind import FlowError
from receptionist.call_flows.steps import book, manage_booking
from receptionist.calls.models import Call
from receptionist.demo import demo_script_text
from receptionist.tenants.service import get_tenant
from tests.call_flows.flow_helpers import logged, make_ctx
from tests.conftest import FixedClock

CALLER = "+15551234567"


def _ctx(session: Session, clock: FixedClock, text: str | None = None) -> FlowContext:
    demo = get_tenant(session, slug="demo")
    call = Call(call_sid="CA" + "2" * 32, tenant_id=demo.id, from_number=CALLER,
                to_number="+15005550006", script_version=1)
    session.add(call)
    session.flush()
    return make_ctx(text or demo_script_text("demo.yaml"), now=clock(), session=session,
                    call=call)


def _query(ctx: FlowContext) -> dict[str, object]:
    """The query of the gather the step now waits in."""
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather)
    return dict(gather.callback.query)


def _book_step(ctx: FlowContext) -> BookStep:
    step = ctx.script.steps["book"]
    assert isinstance(step, BookStep)
    return step


def test_book_offers_the_first_free_slots_by_key_and_voice(session: Session,
                                                           clock: FixedClock) -> None:
    ctx = _ctx(session, clock)
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
    ctx = _ctx(session, clock)
    step = _book_step(ctx)
    book.render(ctx, "book", step)
    slots = str(_query(ctx)["slots"])
    first = int(slots.split(",")[0])
    assert book.resume(ctx, "book", step, BookingAnswer("offer", "1", 0, slots=slots)) is None
    assert _query(ctx)["stage"] == "confirm"
    assert book.resume(ctx, "book", step, BookingAnswer("confirm", "1", 0, slot=first)) is None
    assert ("booked", "book") in logged(ctx)
    assert isinstance(ctx.actions[-2], Record)  # the caller's name, after the beep
    booked = appointments.upcoming_for_caller(session, tenant_id=ctx.call.tenant_id or 0,
                                              caller_number=CALLER, now=clock())
    assert booked is not None and epoch(booked.starts_at) == first


def test_book_gives_up_after_retries_and_refuses_foreign_stages(
        session: Session, clock: FixedClock) -> None:
    ctx = _ctx(session, clock)
    step = _book_step(ctx)
    book.render(ctx, "book", step)
    slots = str(_query(ctx)["slots"])
    answer = BookingAnswer("offer", "", book.RETRIES, slots=slots)
    assert book.resume(ctx, "book", step, answer) == step.fallback
    with pytest.raises(FlowError, match="does not belong"):
        book.resume(ctx, "book", step, BookingAnswer("manage", "1", 0))
    with pytest.raises(FlowError, match="cannot take KeyPressed"):
        book.resume(ctx, "book", step, KeyPressed("1", 0))


MANAGE = demo_script_text("demo.yaml").replace(
    "  book:\n    kind: book\n", "  manage:\n    kind: manage_booking\n    fallback: goodbye\n"
    "    next: goodbye\n  book:\n    kind: book\n", 1)


def test_manage_booking_without_an_appointment_goes_to_the_fallback(
        session: Session, clock: FixedClock) -> None:
    ctx = _ctx(session, clock, MANAGE)
    step = ctx.script.steps["manage"]
    assert isinstance(step, ManageBookingStep)
    assert manage_booking.render(ctx, "manage", step) == "goodbye"
    assert ("no_appointment", "manage") in logged(ctx)


def test_manage_booking_cancels_the_callers_appointment(session: Session,
                                                       clock: FixedClock) -> None:
    ctx = _ctx(session, clock, MANAGE)
    agenda = appointments.get_agenda(session, tenant_id=ctx.call.tenant_id or 0, slug="main")
    assert agenda is not None
    slot = appointments.first_day_with_slots(session, agenda, now=clock())[0]
    appointments.book(session, agenda=agenda, starts_at=slot, now=clock(),
                      caller_number=CALLER, language="en-US", source="phone")
    step = ctx.script.steps["manage"]
    assert isinstance(step, ManageBookingStep)
    assert manage_booking.render(ctx, "manage", step) is None
    appointment_id = _query(ctx)["appointment"]
    assert isinstance(appointment_id, int)
    answer = BookingAnswer("manage", "1", 0, appointment_id=appointment_id)
    assert manage_booking.resume(ctx, "manage", step, answer) == "goodbye"
    assert ("cancelled", "manage") in logged(ctx)
    assert appointments.upcoming_for_caller(session, tenant_id=ctx.call.tenant_id or 0,
                                            caller_number=CALLER, now=clock()) is None
