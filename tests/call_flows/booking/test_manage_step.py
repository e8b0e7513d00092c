"""`manage_booking` against the demo business's real agenda (database)."""

from __future__ import annotations

from sqlmodel import Session

from receptionist.appointments import agendas, booking, free_times, lookups
from receptionist.call_flows.booking import manage_step
from receptionist.call_flows.events import BookingAnswer
from receptionist.call_flows.schema import ManageBookingStep
from receptionist.demo import demo_script_text
from tests.call_flows.flow_helpers import CALLER, demo_ctx, gather_query, logged
from tests.conftest import FixedClock

MANAGE = demo_script_text("demo.yaml").replace(
    "  book:\n    kind: book\n", "  manage:\n    kind: manage_booking\n    fallback: goodbye\n"
    "    next: goodbye\n  book:\n    kind: book\n", 1)


def test_manage_booking_without_an_appointment_goes_to_the_fallback(
        session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock, MANAGE)
    step = ctx.script.steps["manage"]
    assert isinstance(step, ManageBookingStep)
    assert manage_step.render(ctx, "manage", step) == "goodbye"
    assert ("no_appointment", "manage") in logged(ctx)


def test_manage_booking_cancels_the_callers_appointment(session: Session,
                                                       clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock, MANAGE)
    agenda = agendas.get_agenda(session, tenant_id=ctx.call.tenant_id or 0, slug="main")
    assert agenda is not None
    slot = free_times.first_day_with_slots(session, agenda, now=clock())[0]
    booking.book(session, agenda=agenda, starts_at=slot, now=clock(),
                 caller_number=CALLER, language="en-US", source="phone")
    step = ctx.script.steps["manage"]
    assert isinstance(step, ManageBookingStep)
    assert manage_step.render(ctx, "manage", step) is None
    appointment_id = gather_query(ctx)["appointment"]
    assert isinstance(appointment_id, int)
    answer = BookingAnswer("manage", "1", 0, appointment_id=appointment_id)
    assert manage_step.resume(ctx, "manage", step, answer) == "goodbye"
    assert ("cancelled", "manage") in logged(ctx)
    assert lookups.upcoming_for_caller(session, tenant_id=ctx.call.tenant_id or 0,
                                       caller_number=CALLER, now=clock()) is None
