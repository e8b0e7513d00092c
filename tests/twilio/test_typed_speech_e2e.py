"""Whole calls where the caller speaks in sentences, typed: the simulator sends the words
as Twilio's `SpeechResult`, and the app understands them at every prompt (menus,
confirmations, FAQ, booking), in English and French."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from receptionist.calls.events import EventFields, EventKind
from receptionist.twilio.simulator import LeaveMessage, Press, Speak, StaySilent
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import events, fields, kinds, messages, path
from tests.twilio_sim import TestTwilioSim


def test_booking_in_sentences_from_menu_to_name(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Speak("hi, could I come in sometime this week?"),
                              Speak("Thursday at two thirty"), Speak("yes please"),
                              StaySilent()])
    assert path(engine, call.call_sid)[2:] == ["main_menu", "book", "goodbye"]
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
    assert "Sorry, I did not get that." in call.said
    assert "choice" in kinds(engine, call.call_sid)  # only the key's
    choices = fields(engine, call.call_sid, EventKind.choice)
    assert choices == [EventFields(intent="message", digit="2", via="keypad")]
