"""What happened in a call, told from timelines the flow engine wrote: whole calls placed
by the Twilio simulator on the demo script (keys and words), read back as facts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.calls.story import Fact, Missed, Told, tell
from receptionist.twilio.simulator import (
    DialOutcome,
    HangUp,
    LeaveMessage,
    NoInput,
    Press,
    Speak,
    StaySilent,
)
from tests.conftest import DEMO_EN
from tests.twilio.helpers import events, stored_call
from tests.twilio_sim import TestTwilioSim

# A check-up (1) with Dr Martin (1) at the first time offered (1), confirmed (1), no name.
BOOK: list[Press | StaySilent] = [*[Press("1")] * 5, StaySilent()]
ELEVEN_NY = datetime(2026, 11, 17, 16, tzinfo=UTC)


def told(engine: Engine, call_sid: str) -> list[Told]:
    call = stored_call(engine, call_sid)
    return tell([(e.kind, e.step, e.fields) for e in events(engine, call_sid)],
                screening=call.screening)


def facts(engine: Engine, call_sid: str) -> list[Fact]:
    return [t.fact for t in told(engine, call_sid)]


def test_a_booking(sim: TestTwilioSim, engine: Engine) -> None:
    [booked] = told(engine, sim.call(DEMO_EN, BOOK).call_sid)
    assert (booked.fact, booked.at, booked.agenda, booked.type) == (
        Fact.booked, ELEVEN_NY, "martin", "checkup")
    assert booked.appointment is not None


def test_cancelling_and_moving_are_told_as_such(sim: TestTwilioSim, engine: Engine) -> None:
    sim.call(DEMO_EN, BOOK, from_="+15550000001")
    [cancelled] = told(engine, sim.call(DEMO_EN, [Press("4"), Press("1")],
                                        from_="+15550000001").call_sid)
    assert cancelled.fact == Fact.cancelled and cancelled.appointment is not None
    sim.call(DEMO_EN, BOOK, from_="+15550000002")
    [moved] = told(engine, sim.call(DEMO_EN, [Press("4"), Press("2"), Press("3"), Press("1")],
                                    from_="+15550000002").call_sid)
    assert moved.fact == Fact.moved and moved.at == datetime(2026, 11, 17, 17, tzinfo=UTC)


def test_a_question_then_a_message(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Speak("what are your prices?"), Press("2"), LeaveMessage(5)])
    asked, left = told(engine, call.call_sid)
    assert (asked.fact, asked.intent) == (Fact.asked, "faq_2")
    assert left.fact == Fact.message and left.recording and left.recording.startswith("RE")


def test_a_transfer_nobody_took_then_a_message(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("0"), DialOutcome("no-answer"), LeaveMessage(5)])
    missed, left = told(engine, call.call_sid)
    assert (missed.fact, missed.missed, left.fact) == (
        Fact.transfer_missed, Missed.no_answer, Fact.message)
    taken = sim.call(DEMO_EN, [Press("0"), DialOutcome("completed", seconds=60, key="1")])
    [talked] = told(engine, taken.call_sid)
    assert (talked.fact, talked.seconds) == (Fact.transferred, 60)
    declined = sim.call(DEMO_EN, [Press("0"), DialOutcome("completed", key="2"),
                                  LeaveMessage(3)])
    assert told(engine, declined.call_sid)[0].missed == Missed.declined


def test_hanging_up(sim: TestTwilioSim, engine: Engine) -> None:
    [greeting] = told(engine, sim.call(DEMO_EN, [HangUp()]).call_sid)
    assert (greeting.fact, greeting.greeting, greeting.step) == (
        Fact.hung_up, True, "main_menu")
    wanted, gone = told(engine, sim.call(DEMO_EN, [Press("1"), HangUp()]).call_sid)
    assert (wanted.fact, wanted.intent) == (Fact.wanted, "book")
    assert (gone.fact, gone.step_kind, gone.greeting) == (Fact.hung_up, "book", False)
    # A wrong key, then silence: not the greeting any more, the menu.
    [menu] = told(engine, sim.call(DEMO_EN, [Press("7"), NoInput(), HangUp()]).call_sid)
    assert (menu.fact, menu.step_kind, menu.greeting) == (Fact.hung_up, "menu", False)


def test_the_hours_then_goodbye_is_a_question_answered(sim: TestTwilioSim,
                                                      engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("3"), Speak("thanks, goodbye")])
    assert [(t.fact, t.intent) for t in told(engine, call.call_sid)] == [
        (Fact.asked, "hours")]


def test_no_appointment_to_change(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("4"), LeaveMessage(3)], from_="+15559999999")
    assert facts(engine, call.call_sid) == [Fact.no_appointment, Fact.message]


def test_screened_out_calls_are_one_fact() -> None:
    timeline = [(EventKind.screened_out.value, None, EventFields(reason=Reason.blocked))]
    assert [t.fact for t in tell(timeline, screening="blocked")] == [Fact.screened]
    # A caller who passed the robocall check goes on as any other.
    assert tell([], screening="passed")[0].fact == Fact.hung_up


def test_several_numbers_rung_in_turn_are_one_missed_transfer() -> None:
    no = EventFields(status="no-answer")
    timeline = [(EventKind.transfer.value, "t", EventFields()),
                (EventKind.transfer_failed.value, "t", no),
                (EventKind.transfer.value, "t", EventFields()),
                (EventKind.transfer_failed.value, "t", no),
                (EventKind.transfer_failed.value, "t",
                 EventFields(reason=Reason.nobody_available))]
    assert [(t.fact, t.missed) for t in tell(timeline)] == [
        (Fact.transfer_missed, Missed.no_answer)]
