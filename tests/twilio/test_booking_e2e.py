"""Booking by phone, whole calls: the caller hears free slots, picks one by keypad,
confirms and says their name; `manage_booking` cancels or moves. The clock is Tuesday
2026-11-17 15:00 UTC (10:00 in New York, 16:00 in Paris); the demo agendas have
30-minute slots in business hours and one hour's notice."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus
from receptionist.call_flows.publishing import create_tenant
from receptionist.demo import demo_script_text
from receptionist.outbox.models import OutboxItem
from receptionist.twilio.simulator import (
    Action,
    HangUp,
    Heard,
    LeaveMessage,
    NoInput,
    Press,
    ScriptedCaller,
    Speak,
    Spoken,
    StaySilent,
)
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import kinds, messages, path
from tests.twilio.practice import single_agenda
from tests.twilio_sim import TestTwilioSim
from tests.waiting import PATIENCE_S

CALLER = "+15551230001"
pytestmark = pytest.mark.usefixtures("single_agenda_demos")


def appointments(engine: Engine) -> list[Appointment]:
    with Session(engine) as session:
        return list(session.execute(select(Appointment).order_by(col(Appointment.id))).scalars())


def outbox(engine: Engine) -> list[OutboxItem]:
    with Session(engine) as session:
        return list(session.execute(select(OutboxItem).order_by(col(OutboxItem.id))).scalars())


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_book_the_first_offered_slot(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), LeaveMessage(2)])
    said = call.said
    assert ("I can offer Tuesday, November 17th. At 11 AM, press 1. At 11:30 AM, press 2. "
            "At noon, press 3. For another day, press 9.") in said
    assert "Tuesday, November 17th at 11 AM. To confirm, press 1." in said
    assert "Your appointment is booked for Tuesday, November 17th at 11 AM." in said
    [booked] = appointments(engine)
    assert (booked.starts_at, booked.ends_at) == (utc(2026, 11, 17, 16), utc(2026, 11, 17, 16, 30))
    assert booked.caller_number == CALLER and booked.call_sid == call.call_sid
    assert booked.name_recording_url is not None  # the caller said their name
    assert path(engine, call.call_sid)[-2:] == ["book", "goodbye"]
    assert messages(engine) == []  # a booking, not a message
    [sms] = outbox(engine)
    assert (sms.kind, sms.recipient, sms.sender) == ("booking_confirmed", CALLER, DEMO_EN)
    assert "confirmed for Tuesday, November 17th at 11 AM" in sms.body


def test_french_caller_books_in_french(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Press("1"), Press("2"), Press("1"), StaySilent()],
                    from_="+33612345678")
    said = call.said
    assert ("Je peux vous proposer le mardi 17 novembre. À 17 h, tapez 1. À 17 h 30, "
            "tapez 2. Pour un autre jour, tapez 9.") in said
    assert "Votre rendez-vous est confirmé pour le mardi 17 novembre à 17 h 30." in said
    [booked] = appointments(engine)
    assert booked.starts_at == utc(2026, 11, 17, 16, 30) and booked.language == "fr-FR"
    assert booked.name_recording_url is None  # said nothing at the beep: still booked
    [sms] = outbox(engine)
    assert sms.body.startswith("Cabinet Démo\u202f:") and "mardi 17 novembre à 17 h 30" in sms.body


def test_another_day_then_decline_then_book(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("1"), Press("9"), Press("2"), Press("2"), Press("3"),
                              Press("1"), HangUp()])
    said = call.said
    assert "I can offer Wednesday, November 18th. At 9 AM, press 1." in said
    # Declining the Wednesday slot starts over from the first free day.
    assert said.count("I can offer Tuesday, November 17th.") == 2
    [booked] = appointments(engine)
    assert booked.starts_at == utc(2026, 11, 17, 17)  # noon in New York


class SlowToConfirm(ScriptedCaller):
    """Hears the confirmation of a slot, and while they think, someone else books it."""

    def __init__(self, actions: list[Action], meanwhile: Callable[[], object]) -> None:
        super().__init__(actions)
        self.meanwhile: Callable[[], object] | None = meanwhile

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        other = self.meanwhile
        if other is not None and any("To confirm" in h.text for h in prompt):
            self.meanwhile = None
            other()
        return super().press(prompt)


def test_two_callers_race_for_one_slot(sim: TestTwilioSim, engine: Engine) -> None:
    def other_caller_books() -> None:
        sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), HangUp()],
                 from_="+15550000001")

    slow = SlowToConfirm([Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                          HangUp()], other_caller_books)
    call = sim.call(DEMO_EN, caller=slow, from_="+15550000002")
    assert "Sorry, that time was just taken. I can offer Tuesday, November 17th. " \
           "At 11:30 AM, press 1." in call.said
    booked = appointments(engine)
    assert [(a.starts_at, a.caller_number) for a in booked] == [
        (utc(2026, 11, 17, 16), "+15550000001"), (utc(2026, 11, 17, 16, 30), "+15550000002")]
    assert "slot_taken" in kinds(engine, call.call_sid)


def test_no_free_slot_takes_the_fallback(sim: TestTwilioSim, engine: Engine) -> None:
    with Session(engine) as session:
        for agenda in session.execute(select(Agenda)).scalars():
            agenda.weekly_hours = json.dumps({})
            session.add(agenda)
        session.commit()
    call = sim.call(DEMO_EN, [Press("1"), LeaveMessage(20)])
    assert path(engine, call.call_sid)[-3:] == ["book", "booking_request", "goodbye"]
    assert "Sorry, we have no free appointment in the coming weeks." in call.said
    assert len(messages(engine)) == 1


def test_giving_no_answer_ends_in_the_fallback(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("1"), NoInput(), Press("7"), NoInput(), LeaveMessage(5)])
    assert path(engine, call.call_sid)[-2:] == ["booking_request", "goodbye"]
    assert appointments(engine) == []


MANAGE = single_agenda(demo_script_text("demo.yaml"))  # key 4: manage_booking


@pytest.fixture
def managed(engine: Engine) -> str:
    number = "+15005550123"
    with Session(engine) as session:
        create_tenant(session, slug="managed", numbers=[number], yaml_text=MANAGE)
        session.commit()
    return number


def test_cancel_by_phone(sim: TestTwilioSim, engine: Engine, managed: str) -> None:
    sim.call(managed, [Press("1"), Press("1"), Press("1"), HangUp()])
    call = sim.call(managed, [Press("4"), Press("1")])
    assert ("You have an appointment on Tuesday, November 17th at 11 AM. To cancel it, "
            "press 1.") in call.said
    assert "Your appointment of Tuesday, November 17th at 11 AM is cancelled." in call.said
    [cancelled] = appointments(engine)
    assert cancelled.status == AppointmentStatus.cancelled
    assert [s.kind for s in outbox(engine)] == ["booking_confirmed", "booking_cancelled"]
    # The slot is free again for the next caller.
    again = sim.call(managed, [Press("1"), Press("1"), Press("1"), HangUp()],
                     from_="+15550000009")
    assert appointments(engine)[-1].starts_at == utc(2026, 11, 17, 16)
    assert "booked" in kinds(engine, again.call_sid)


def test_move_by_phone(sim: TestTwilioSim, engine: Engine, managed: str) -> None:
    sim.call(managed, [Press("1"), Press("1"), Press("1"), HangUp()])
    call = sim.call(managed, [Press("4"), Press("2"), Press("3"), Press("1")])
    assert "Your appointment is moved to Tuesday, November 17th at noon." in call.said
    [moved] = appointments(engine)
    assert moved.starts_at == utc(2026, 11, 17, 17) and moved.sequence == 1
    assert [s.kind for s in outbox(engine)] == ["booking_confirmed", "booking_moved"]


def test_unknown_caller_has_nothing_to_manage(sim: TestTwilioSim, engine: Engine,
                                              managed: str) -> None:
    call = sim.call(managed, [Press("4"), LeaveMessage(4)], from_="+15559999999")
    assert "I could not find an upcoming appointment for this phone number." in call.said
    assert path(engine, call.call_sid)[-3:] == ["my_appointment", "message", "goodbye"]


class ConfirmsTogether(ScriptedCaller):
    """Waits at the confirmation until every other caller has reached theirs."""

    def __init__(self, actions: list[Action], barrier: threading.Barrier) -> None:
        super().__init__(actions)
        self.barrier: threading.Barrier | None = barrier

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        barrier = self.barrier
        if barrier is not None and any("To confirm" in h.text for h in prompt):
            self.barrier = None
            barrier.wait(timeout=PATIENCE_S)
        return super().press(prompt)


def test_many_simultaneous_callers_one_slot(sim: TestTwilioSim, engine: Engine) -> None:
    calls: list[str] = []
    barrier = threading.Barrier(6)

    def caller(index: int) -> None:
        who = ConfirmsTogether([Press("1"), Press("1"), Press("1"), HangUp()], barrier)
        call = sim.call(DEMO_EN, caller=who, from_=f"+1555000010{index}")
        calls.append(call.call_sid)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 6
    booked = appointments(engine)
    assert [a.starts_at for a in booked] == [utc(2026, 11, 17, 16)]  # one winner
    losers = [sid for sid in calls if "slot_taken" in kinds(engine, sid)]
    assert len(losers) == 5


def test_french_wrong_keys_and_no_appointment_to_manage(sim: TestTwilioSim,
                                                        engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Press("1"), Press("7"), NoInput(), Press("1"), Press("5"),
                              Press("1"), StaySilent()], from_="+33611112222")
    assert call.said.count("Désolé, ce choix n'est pas valide.") == 2
    assert "Désolé, je n'ai rien entendu." in call.said
    assert "Votre rendez-vous est confirmé pour le mardi 17 novembre à 17 h." in call.said
    managed = single_agenda(demo_script_text("demo-fr.yaml"))  # key 4: manage_booking
    with Session(engine) as session:
        create_tenant(session, slug="gere", numbers=["+33180000099"], yaml_text=managed)
        session.commit()
    unknown = sim.call("+33180000099", [Press("4"), LeaveMessage(3)], from_="+33699999999")
    assert "Je ne trouve pas de rendez-vous à venir pour ce numéro." in unknown.said


def test_moving_keeps_the_day_asked_for_and_a_yes_asks_which_time(
        sim: TestTwilioSim, engine: Engine, managed: str) -> None:
    sim.call(managed, [Press("1"), Press("1"), Press("1"), HangUp()])
    call = sim.call(managed, [Press("4"), Press("2"), Speak("tomorrow afternoon please"),
                              Speak("yes"), Speak("no"), Speak("the first one"),
                              Speak("yes")])
    assert "Which one: noon, 12:30 PM, or 1 PM?" in call.said
    assert "not a valid choice" not in call.said
    [moved] = appointments(engine)
    # "no" to noon…1 PM offered the next times of the same afternoon: 1:30 PM first.
    assert moved.starts_at == utc(2026, 11, 18, 18, 30) and moved.sequence == 1


def test_moving_to_the_day_the_caller_named(sim: TestTwilioSim, engine: Engine,
                                            managed: str) -> None:
    """The day asked for in the words that brought the caller here is offered, not the
    first free time ("…move it to Thursday": Thursday, the day said last)."""
    sim.call(managed, [Press("1"), Press("1"), Press("1"), HangUp()])
    call = sim.call(managed, [
        Speak("I can't make it today, could we move my appointment to Thursday"),
        Press("2"), Press("1"), Press("1")])
    assert "I can offer Thursday, November 19th." in call.said
    [moved] = appointments(engine)
    assert moved.starts_at.astimezone(ZoneInfo("America/New_York")).date() == date(2026, 11, 19)
    assert moved.sequence == 1
