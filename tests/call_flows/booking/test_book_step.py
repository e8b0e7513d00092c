"""`book` against the demo business's real agenda (database)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from receptionist.appointments import lookups
from receptionist.appointments.availability import epoch
from receptionist.call_flows.actions import Gather, Record
from receptionist.call_flows.booking import book_step
from receptionist.call_flows.booking import slots as booking_slots
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer, KeyPressed
from receptionist.call_flows.listening import ListenFor
from receptionist.call_flows.schema import BookStep
from receptionist.call_flows.step_kind import FlowError
from tests.call_flows.flow_helpers import CALLER, demo_ctx, gather_query, logged
from tests.conftest import FixedClock
from tests.twilio.practice import practice_text


def _book_step(ctx: FlowContext) -> BookStep:
    step = ctx.script.steps["book"]
    assert isinstance(step, BookStep)
    return step


def test_book_offers_the_first_free_slots_by_key_and_voice(session: Session,
                                                           clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = _book_step(ctx)
    assert book_step.render(ctx, "book", step) is None
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
    book_step.render(ctx, "book", step)
    slots = str(gather_query(ctx)["slots"])
    first = int(slots.split(",")[0])
    assert book_step.resume(ctx, "book", step, BookingAnswer("offer", "1", 0, slots=slots)) is None
    assert gather_query(ctx)["stage"] == "confirm"
    assert book_step.resume(ctx, "book", step, BookingAnswer("confirm", "1", 0, slot=first)) is None
    assert ("booked", "book") in logged(ctx)
    assert isinstance(ctx.actions[-2], Record)  # the caller's name, after the beep
    booked = lookups.upcoming_for_caller(session, tenant_id=ctx.call.tenant_id or 0,
                                         caller_number=CALLER, now=clock())
    assert booked is not None and epoch(booked.starts_at) == first


def test_book_gives_up_after_retries_and_refuses_foreign_stages(
        session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = _book_step(ctx)
    book_step.render(ctx, "book", step)
    slots = str(gather_query(ctx)["slots"])
    answer = BookingAnswer("offer", "", booking_slots.RETRIES, slots=slots)
    assert book_step.resume(ctx, "book", step, answer) == step.fallback
    with pytest.raises(FlowError, match="does not belong"):
        book_step.resume(ctx, "book", step, BookingAnswer("manage", "1", 0))
    with pytest.raises(FlowError, match="cannot take KeyPressed"):
        book_step.resume(ctx, "book", step, KeyPressed("1", 0))


def _offer(ctx: FlowContext) -> tuple[BookStep, str]:
    step = _book_step(ctx)
    book_step.render(ctx, "book", step)
    return step, str(gather_query(ctx)["slots"])


def _local_offer(ctx: FlowContext) -> list[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    slots = str(gather_query(ctx)["slots"])
    return [datetime.fromtimestamp(int(s), ZoneInfo("America/New_York")).strftime("%a %H:%M")
            for s in slots.split(",")]


def test_a_day_and_time_that_are_free_go_straight_to_confirmation(
        session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)  # Tuesday 17 November, 10:00 in New York
    step, slots = _offer(ctx)
    said = BookingAnswer("offer", "", 0, slots=slots, said="Thursday at two thirty")
    assert book_step.resume(ctx, "book", step, said) is None
    query = gather_query(ctx)
    assert query["stage"] == "confirm"
    from datetime import datetime
    from zoneinfo import ZoneInfo
    asked = datetime(2026, 11, 19, 14, 30, tzinfo=ZoneInfo("America/New_York"))
    assert query["slot"] == epoch(asked)
    assert ("time_asked", "book") in logged(ctx)


@pytest.mark.parametrize(("words", "offered"), [
    ("tomorrow afternoon", ["Wed 12:00", "Wed 12:30", "Wed 13:00"]),
    ("the earliest you have", ["Tue 11:00", "Tue 11:30", "Tue 12:00"]),
    ("next week in the morning", ["Mon 09:00", "Mon 09:30", "Mon 10:00"]),
])
def test_spoken_wishes_narrow_the_offer(session: Session, clock: FixedClock, words: str,
                                        offered: list[str]) -> None:
    ctx = demo_ctx(session, clock)
    step, slots = _offer(ctx)
    assert book_step.resume(ctx, "book", step,
                       BookingAnswer("offer", "", 0, slots=slots, said=words)) is None
    assert gather_query(ctx)["stage"] == "offer"
    assert _local_offer(ctx) == offered


def test_a_time_when_nothing_is_free_says_so_and_offers_the_next_free(
        session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step, slots = _offer(ctx)
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "", 0, slots=slots,
                                                 said="Saturday morning"))
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather)
    assert "Sorry, I have nothing free then." in [getattr(p, "text", "") for p in gather.prompts]
    assert _local_offer(ctx)[0] == "Tue 11:00"


def test_ordinals_and_yes_no_in_words(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step, slots = _offer(ctx)
    second = int(slots.split(",")[1])
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "", 0, slots=slots,
                                                 said="the second one please"))
    assert gather_query(ctx)["slot"] == second
    book_step.resume(ctx, "book", step, BookingAnswer("confirm", "", 0, slot=second,
                                                 said="yeah that works for me"))
    assert ("booked", "book") in logged(ctx)


def test_french_words_at_the_offer(session: Session, clock: FixedClock) -> None:
    from receptionist.demo import demo_script_text
    from tests.twilio.practice import single_agenda

    ctx = demo_ctx(session, clock, single_agenda(demo_script_text("demo-fr.yaml")))
    step, slots = _offer(ctx)
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "", 0, slots=slots,
                                                 said="plutôt demain matin"))
    assert _local_offer(ctx) == ["Wed 09:00", "Wed 09:30", "Wed 10:00"]
    slots = str(gather_query(ctx)["slots"])
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "", 0, slots=slots,
                                                 said="le deuxième"))
    assert gather_query(ctx)["slot"] == int(slots.split(",")[1])


def test_a_spoken_day_across_the_clock_change_is_the_local_one(
        session: Session, clock: FixedClock) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    clock.now = datetime(2026, 10, 30, 15, 0, tzinfo=UTC)  # Friday 11:00 EDT
    ctx = demo_ctx(session, clock)
    step, slots = _offer(ctx)
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "", 0, slots=slots,
                                                 said="Monday at nine in the morning"))
    monday_9 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("America/New_York"))  # EST
    assert gather_query(ctx)["slot"] == epoch(monday_9)
    assert monday_9.astimezone(UTC).hour == 14


def test_words_that_answer_nothing_at_the_offer_are_a_wrong_key(
        session: Session, clock: FixedClock) -> None:
    """Logged as a wrong key; the caller, who spoke, hears "I did not understand", not
    "that is not a valid choice" (kept for a wrong key) nor "I did not hear anything"."""
    ctx = demo_ctx(session, clock)
    step, slots = _offer(ctx)
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "", 0, slots=slots,
                                                 said="🙂 what's the weather " * 100))
    assert ("invalid_key", "book") in logged(ctx)
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather)
    assert getattr(gather.prompts[0], "text", "") == "Sorry, I did not understand."
    step, slots = _offer(ctx)
    book_step.resume(ctx, "book", step, BookingAnswer("offer", "7", 0, slots=slots))
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather)
    assert getattr(gather.prompts[0], "text", "") == "Sorry, that is not a valid choice."


def test_a_type_from_before_a_script_change_is_asked_again_or_dropped(
        session: Session, clock: FixedClock) -> None:
    """A callback names a type the script no longer has (published during the call): a
    practice asks which type again; a script without types books the plain slot."""
    from tests.call_flows.booking.test_choice import practice

    ctx = demo_ctx(session, clock)
    step = _book_step(ctx)
    assert book_step.resume(ctx, "book", step, BookingAnswer("who", "1", 0, type="gone")) is None
    assert gather_query(ctx)["stage"] == "offer"  # no types: the agenda's own slots
    ctx.script = practice("en")
    assert book_step.resume(ctx, "book", step, BookingAnswer("who", "1", 0, type="gone")) is None
    assert gather_query(ctx)["stage"] == "type"


@pytest.mark.parametrize(("stage", "words", "goes_to", "intent"), [
    ("type", "no, I want to cancel my appointment", "my_appointment", "manage_booking"),
    ("type", "actually I'd rather just leave a message", "message", "message"),
    ("who", "can I talk to a real person instead", "desk_hours", "transfer"),
])
def test_another_request_instead_of_an_answer_leaves_the_booking(
        session: Session, clock: FixedClock, stage: str, words: str, goes_to: str,
        intent: str) -> None:
    """Asked what or whom to book, the caller asks for something else: the main menu's
    choice for it, not "that is not a valid choice"."""
    ctx = demo_ctx(session, clock, practice_text("en"))
    step = _book_step(ctx)
    answer = BookingAnswer(stage, "", 0, said=words, type="checkup" if stage == "who" else "")
    assert book_step.resume(ctx, "book", step, answer) == goes_to
    chosen = [e.fields.intent for e in ctx.events if e.kind == "choice"]
    assert chosen == [intent]


@pytest.mark.parametrize("words", ["the cheapest one", "I don't know", "yeah cancel it"])
def test_words_neither_an_answer_nor_a_clear_request_are_asked_again(
        session: Session, clock: FixedClock, words: str) -> None:
    ctx = demo_ctx(session, clock, practice_text("en"))
    step = _book_step(ctx)
    assert book_step.resume(ctx, "book", step, BookingAnswer("type", "", 0, said=words)) is None
    assert gather_query(ctx)["stage"] == "type"
    assert ("choice", "book") not in logged(ctx)
