"""Whole calls where the caller speaks in sentences, typed: the simulator sends the words
as Twilio's `SpeechResult`, and the app understands them at every prompt (menus,
confirmations, FAQ, booking), in English and French."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.appointments.models import Appointment, AppointmentStatus
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.twilio.simulator import HangUp, LeaveMessage, Press, Speak, StaySilent
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import events, fields, kinds, messages, path
from tests.twilio_sim import TestTwilioSim


@pytest.mark.usefixtures("single_agenda_demos")
def test_booking_in_sentences_from_menu_to_name(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Speak("hi, could I come in sometime this week?"),
                              Speak("Thursday at two thirty"), Speak("yes please"),
                              StaySilent()])
    assert path(engine, call.call_sid)[1:] == ["main_menu", "book", "goodbye"]
    assert ("Your appointment is booked for Thursday, November 19th at 2:30 PM."
            in call.said)
    log = kinds(engine, call.call_sid)
    assert "understood" in log and "time_asked" in log and "booked" in log


def test_faq_then_anything_else_then_a_message(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Speak("where are you located?"),
                              Speak("ok thanks. could you tell the doctor I called?"),
                              LeaveMessage(6)])
    assert "We are at 12 Main Street" in call.said
    assert "Is there anything else I can help you with?" in call.said
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]
    assert len(messages(engine)) == 1


def test_a_fair_guess_is_confirmed_by_key(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Speak("euh pour le docteur"), Press("2"),
                              Speak("je voudrais laisser un message"), LeaveMessage(5)])
    timeline = [e.kind for e in events(engine, call.call_sid)]
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]
    assert "understood" in timeline


def test_french_hours_and_goodbye(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Speak("vous fermez à quelle heure ce soir ?"),
                              Speak("merci, au revoir")])
    assert "Nous sommes ouverts aujourd'hui jusqu'à 18 h." in call.said
    assert call.said.endswith("Merci de votre appel. Au revoir.")


def test_out_of_scope_is_never_routed(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Speak("what's the weather like in Boston"), Press("2"),
                              LeaveMessage(4)])
    assert "I'm sorry, I can't help with that. How can I help you today?" in call.said
    assert "did not" not in call.said
    assert "choice" in kinds(engine, call.call_sid)  # only the key's
    choices = fields(engine, call.call_sid, EventKind.choice)
    assert choices == [EventFields(intent="message", digit="2", via="keypad")]


# A new caller's whole calls (issue 30): what the model understood is always answered.
def test_a_new_caller_asking_to_cancel_is_answered_and_offered_a_message(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Speak("hi, I need to cancel my appointment"), LeaveMessage(5)])
    assert path(engine, call.call_sid)[1:] == ["main_menu", "my_appointment", "message",
                                               "goodbye"]
    assert "I could not find an upcoming appointment for this phone number." in call.said
    assert "did not" not in call.said and len(messages(engine)) == 1


@pytest.mark.usefixtures("single_agenda_demos")
@pytest.mark.parametrize(("number", "cancel"), [
    (DEMO_EN, "I'd like to cancel my appointment please"),
    (DEMO_FR, "je voudrais annuler mon rendez-vous")])
def test_cancelling_by_voice(sim: TestTwilioSim, engine: Engine, number: str,
                             cancel: str) -> None:
    sim.call(number, [Press("1"), Press("1"), Press("1"), HangUp()])
    call = sim.call(number, [Speak(cancel), Press("1")])
    assert path(engine, call.call_sid)[1:3] == ["main_menu", "my_appointment"]
    with Session(engine) as session:
        [appointment] = session.exec(select(Appointment)).all()
    assert appointment.status == AppointmentStatus.cancelled


@pytest.mark.parametrize(("number", "question", "no_thanks", "goodbye"), [
    (DEMO_EN, "where can I park?", "no thanks", "Thank you for calling. Goodbye."),
    (DEMO_EN, "how much is a cleaning?", "that's all, thank you",
     "Thank you for calling. Goodbye."),
    (DEMO_FR, "où est-ce que je peux me garer ?", "non merci",
     "Merci de votre appel. Au revoir."),
    (DEMO_FR, "vous prenez la carte vitale ?", "c'est tout, merci",
     "Merci de votre appel. Au revoir.")])
def test_no_thanks_after_an_answer_ends_the_call(sim: TestTwilioSim, engine: Engine,
                                                 number: str, question: str, no_thanks: str,
                                                 goodbye: str) -> None:
    call = sim.call(number, [Speak(question), Speak(no_thanks)])
    assert call.said.endswith(goodbye)
    assert fields(engine, call.call_sid, EventKind.end)[-1].reason == Reason.goodbye
    assert messages(engine) == [] and "invalid_speech" not in kinds(engine, call.call_sid)
