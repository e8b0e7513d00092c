"""The booking dialogue never books what the caller did not choose (issue 30 item 5),
whole calls in English and French, typed speech through the simulator, judged by the
appointment rows. The clock is Tuesday 2026-11-17 15:00 UTC (10:00 in New York, 16:00 in
Paris): "tomorrow" is Wednesday the 18th.

- a plain "yes" to several times asks which one; to one time, goes to its confirmation;
- the day and part of the day asked for are kept across turns (reprompts, "no", another
  day), never silently replaced by today or the first free day;
- corrections ("no, Thursday", "actually Friday morning") replace them and offer again;
- "no thanks", "that's all" end the dialogue politely, booking nothing."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Agenda, Appointment
from receptionist.twilio.simulator import Action, HangUp, Press, Speak, StaySilent
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.practice import publish_practice
from tests.twilio_sim import TestTwilioSim

WEDNESDAY, THURSDAY, FRIDAY = date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)
ZONES = {DEMO_EN: ZoneInfo("America/New_York"), DEMO_FR: ZoneInfo("Europe/Paris")}
# What each language's caller says to reach a check-up with Dr Martin after the menu.
CHECKUP_WITH_MARTIN = {DEMO_EN: [Speak("a check-up"), Speak("doctor Martin")],
                       DEMO_FR: [Speak("un contrôle"), Speak("docteur Martin")]}
INVALID = {DEMO_EN: "Sorry, that is not a valid choice.",
           DEMO_FR: "Désolé, ce choix n'est pas valide."}


def bookings(engine: Engine, number: str) -> list[tuple[datetime, str, str]]:
    """Each appointment as (local start, type, practitioner)."""
    with Session(engine) as session:
        rows = session.execute(select(Appointment, col(Agenda.slug)).join(
            Agenda, col(Agenda.id) == Appointment.agenda_id).order_by(col(Appointment.id)))
        return [(appointment.starts_at.astimezone(ZONES[number]),
                 appointment.appointment_type or "", slug) for appointment, slug in rows.all()]


def one_booking(engine: Engine, number: str) -> tuple[datetime, str, str]:
    [found] = bookings(engine, number)
    return found


def afternoon(moment: datetime) -> bool:
    return time(12) <= moment.time() < time(18)


def morning(moment: datetime) -> bool:
    return moment.time() < time(12)


def checkup_call(sim: TestTwilioSim, engine: Engine, number: str, opening: str,
                 *then: Action, end: Action = StaySilent()) -> str:
    """A caller asks at the menu with `opening`, picks a check-up with Dr Martin in words,
    then says `then`; returns what was said to them."""
    publish_practice(engine, number)
    call = sim.call(number, [Speak(opening), *CHECKUP_WITH_MARTIN[number], *then,
                             end])
    return call.said


OPENING = {DEMO_EN: "Could I come in tomorrow afternoon?",
           DEMO_FR: "Est-ce que je pourrais venir demain après-midi ?"}


@pytest.mark.parametrize(("number", "yes", "which", "second"), [
    (DEMO_EN, "yes", "Which one: noon, 12:30 PM, or 1 PM?", "the second one"),
    (DEMO_FR, "oui", "Lequel\u202f: midi, 12 h 30 ou 13 h\u202f?", "le deuxième"),
])
def test_the_observed_call_asks_which_one_and_books_tomorrow_afternoon(
        sim: TestTwilioSim, engine: Engine, number: str, yes: str, which: str,
        second: str) -> None:
    """The call of issue 30: a "yes" to three times was "not a valid choice", then today
    was offered and booked. Now: which one? and the chosen time of tomorrow afternoon."""
    confirm_yes = "yes" if number == DEMO_EN else "oui"
    said = checkup_call(sim, engine, number, OPENING[number], Speak(yes), Speak(second),
                        Speak(confirm_yes))
    assert which in said
    assert INVALID[number] not in said
    start, kind, who = one_booking(engine, number)
    assert (start.date(), start.time(), kind, who) == (
        WEDNESDAY, time(12, 30), "checkup" if number == DEMO_EN else "controle", "martin")


@pytest.mark.parametrize(("number", "yes"), [
    (DEMO_EN, "sure"), (DEMO_EN, "that works"), (DEMO_EN, "yeah"),
    (DEMO_FR, "d'accord"), (DEMO_FR, "oui oui"), (DEMO_FR, "ça me va"),
])
def test_a_yes_to_several_times_never_books_one(sim: TestTwilioSim, engine: Engine,
                                                number: str, yes: str) -> None:
    """Whatever the yes, and however often: nothing is booked until a time is chosen."""
    said = checkup_call(sim, engine, number, OPENING[number], Speak(yes), Speak(yes),
                        Speak(yes), end=HangUp())
    assert INVALID[number] not in said
    assert bookings(engine, number) == []


@pytest.mark.parametrize(("number", "exact", "yes", "expected"), [
    (DEMO_EN, "Can I book an appointment tomorrow at 2 PM?", "yes please", time(14)),
    (DEMO_FR, "Je voudrais un rendez-vous demain à 14 h", "oui merci", time(14)),
])
def test_one_time_offered_and_a_yes_books_it(sim: TestTwilioSim, engine: Engine,
                                             number: str, exact: str, yes: str,
                                             expected: time) -> None:
    said = checkup_call(sim, engine, number, exact, Speak(yes))
    assert INVALID[number] not in said
    start, _, who = one_booking(engine, number)
    assert (start.date(), start.time(), who) == (WEDNESDAY, expected, "martin")


@pytest.mark.parametrize(("number", "no", "first", "yes"), [
    (DEMO_EN, "no", "the first one", "yes"),
    (DEMO_EN, "nope", "the first one", "yes"),
    (DEMO_FR, "non", "le premier", "oui"),
])
def test_a_plain_no_offers_the_next_times_of_the_same_wish(
        sim: TestTwilioSim, engine: Engine, number: str, no: str, first: str,
        yes: str) -> None:
    said = checkup_call(sim, engine, number, OPENING[number], Speak(no), Speak(first),
                        Speak(yes))
    assert INVALID[number] not in said
    start, _, _ = one_booking(engine, number)
    # The next ones after noon, 12:30 and 1 PM: still tomorrow afternoon.
    assert start.date() == WEDNESDAY and afternoon(start) and start.time() > time(13)


@pytest.mark.parametrize("number", [DEMO_EN, DEMO_FR])
def test_words_that_are_no_answer_reprompt_within_the_wish(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    """The observed fallback to today: a reprompt now offers tomorrow afternoon again."""
    first, yes = ("the first one", "yes") if number == DEMO_EN else ("le premier", "oui")
    checkup_call(sim, engine, number, OPENING[number], Speak("banana bicycle"),
                 Speak(first), Speak(yes))
    start, _, _ = one_booking(engine, number)
    assert (start.date(), start.time()) == (WEDNESDAY, time(12))


@pytest.mark.parametrize("number", [DEMO_EN, DEMO_FR])
def test_another_day_keeps_the_part_of_the_day(sim: TestTwilioSim, engine: Engine,
                                               number: str) -> None:
    first, yes = ("the first one", "yes") if number == DEMO_EN else ("le premier", "oui")
    checkup_call(sim, engine, number, OPENING[number], Press("9"), Speak(first), Speak(yes))
    start, _, _ = one_booking(engine, number)
    assert start.date() == THURSDAY and afternoon(start)


@pytest.mark.parametrize(("number", "correction", "day", "window"), [
    (DEMO_EN, "no, Thursday", THURSDAY, afternoon),
    (DEMO_EN, "actually Friday morning", FRIDAY, morning),
    (DEMO_FR, "non, jeudi", THURSDAY, afternoon),
    (DEMO_FR, "plutôt vendredi matin", FRIDAY, morning),
])
def test_a_correction_replaces_the_day_and_offers_again(
        sim: TestTwilioSim, engine: Engine, number: str, correction: str, day: date,
        window: object) -> None:
    first, yes = ("the first one", "yes") if number == DEMO_EN else ("le premier", "oui")
    checkup_call(sim, engine, number, OPENING[number], Speak(correction), Speak(first),
                 Speak(yes))
    start, _, who = one_booking(engine, number)
    assert start.date() == day and who == "martin"
    assert callable(window) and window(start)


@pytest.mark.parametrize(("number", "correction", "day"), [
    (DEMO_EN, "no, Thursday please", THURSDAY),
    (DEMO_FR, "non, plutôt jeudi", THURSDAY),
])
def test_a_correction_at_the_confirmation(sim: TestTwilioSim, engine: Engine, number: str,
                                          correction: str, day: date) -> None:
    first, yes = ("the first one", "yes") if number == DEMO_EN else ("le premier", "oui")
    checkup_call(sim, engine, number, OPENING[number], Speak(first), Speak(correction),
                 Speak(first), Speak(yes))
    start, _, _ = one_booking(engine, number)
    assert start.date() == day and afternoon(start)


@pytest.mark.parametrize(("number", "done", "goodbye"), [
    (DEMO_EN, "no thanks", "All right, I have not booked anything."),
    (DEMO_EN, "that's all, thank you", "All right, I have not booked anything."),
    (DEMO_FR, "non merci", "Très bien, je n'ai rien réservé."),
    (DEMO_FR, "c'est tout", "Très bien, je n'ai rien réservé."),
])
def test_no_thanks_at_an_offer_ends_without_booking(sim: TestTwilioSim, engine: Engine,
                                                    number: str, done: str,
                                                    goodbye: str) -> None:
    said = checkup_call(sim, engine, number, OPENING[number], Speak(done))
    assert goodbye in said
    assert bookings(engine, number) == []


@pytest.mark.parametrize(("number", "first", "done"), [
    (DEMO_EN, "the first one", "no thank you"),
    (DEMO_FR, "le premier", "non merci"),
])
def test_no_thanks_at_the_confirmation_ends_without_booking(
        sim: TestTwilioSim, engine: Engine, number: str, first: str, done: str) -> None:
    checkup_call(sim, engine, number, OPENING[number], Speak(first), Speak(done))
    assert bookings(engine, number) == []
