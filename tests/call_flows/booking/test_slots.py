"""The offer and confirm stages shared by `book` and `manage_booking`, against the demo
business's agenda (Tuesday 2026-11-17, 10:00 in New York)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from receptionist.appointments import booking, free_times
from receptionist.call_flows.booking import slots
from receptionist.call_flows.booking.choice import Want
from receptionist.call_flows.events import BookingAnswer
from receptionist.call_flows.schema import BookStep
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.call_flows.flow_helpers import demo_ctx, gather_query, logged
from tests.conftest import FixedClock


def test_words_stand_for_keys_in_both_languages(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    assert slots.said_key(ctx, "offer", "the second one please", offered=3) == "2"
    assert slots.said_key(ctx, "offer", "another day", offered=3) == "9"
    assert slots.said_key(ctx, "confirm", "yes please") == "1"
    assert slots.said_key(ctx, "confirm", "no, another time") == "2"
    assert slots.said_key(ctx, "offer", "what is the weather", offered=3) == ""
    assert slots.slots_of("1790000000,1790001800") == [
        datetime.fromtimestamp(1790000000, UTC), datetime.fromtimestamp(1790001800, UTC)]


def test_a_move_keeps_its_type_and_offers_its_own_agenda(session: Session,
                                                         clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    cleaning = booking.book(session, agenda=main_agenda(session), starts_at=NOON,
                            now=clock(), kind=free_times.Kind("cleaning", 60, 10))
    plan = slots.plan_for_move(ctx, cleaning)
    assert plan is not None and plan.kind == free_times.Kind("cleaning", 60, 10)
    assert [a.slug for a in plan.agendas] == ["main"] and plan.moving_id == cleaning.id
    offered = slots.first_offer(ctx, plan)
    assert offered and all(a.slug == "main" for _, a in offered)


def test_the_day_limit_offers_the_next_day(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    ctx.script = ctx.script.model_copy(update={"booking": ctx.script.booking.model_copy(
        update={"max_per_caller_per_day": 1})})
    step = ctx.script.steps["book"]
    assert isinstance(step, BookStep)
    booking.book(session, agenda=main_agenda(session), starts_at=NOON, now=clock(),
                 caller_number=ctx.call.from_number)
    plan = slots.plan_for(ctx, step, Want())
    slot = NOON + timedelta(hours=1)
    assert slots.on_confirm(ctx, "book", step, plan, slot=slot, agenda=plan.agendas[0],
                            digits="1", attempt=0) is None
    assert ("day_limit", "book") in logged(ctx)
    assert gather_query(ctx)["stage"] == "offer"
    first = int(str(gather_query(ctx)["slots"]).split(",")[0])
    assert datetime.fromtimestamp(first, UTC).date().isoformat() == "2026-11-18"


def test_an_offer_of_a_practitioner_gone_is_made_again(session: Session,
                                                       clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = ctx.script.steps["book"]
    assert isinstance(step, BookStep)
    answer = BookingAnswer("offer", "1", 0, slots="1790000000", seats="gone", who="gone")
    assert slots.resume_slots(ctx, "book", step, answer, None) is None  # no practitioners
    assert gather_query(ctx)["stage"] == "offer"


def test_a_live_caller_may_name_another_practitioner_at_an_offer() -> None:
    """What the media stream sends to an offer or a confirmation besides its keys: the
    practitioners' names who offer the type (never "anyone": "any of those" is a pick),
    and nothing when moving an appointment (it keeps its practitioner)."""
    from tests.call_flows.flow_helpers import make_ctx
    from tests.twilio.practice import practice_text

    ctx = make_ctx(practice_text("en"))
    step = ctx.script.steps["book"]
    assert isinstance(step, BookStep)
    checkup = slots.Plan(Want("checkup", "martin"), [], None)
    names = slots._names_heard(ctx, step, checkup)
    assert {"dr martin", "doctor okafor", "okafor"} <= set(names)
    assert "anyone" not in names and "sam lee" not in names  # no check-ups
    cleaning = slots.Plan(Want("cleaning", "lee"), [], None)
    assert "sam lee" in slots._names_heard(ctx, step, cleaning)
