"""Whole calls placed by the Twilio simulator against the real app, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from receptionist.call_flows import publishing
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.demo import demo_script_text
from receptionist.twilio.simulator import (
    DialOutcome,
    HangUp,
    LeaveMessage,
    NoInput,
    Press,
    StaySilent,
)
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio.helpers import events, fields, kinds, messages, path, stored_call
from tests.twilio_sim import TestTwilioSim

TRANSFER_TO = {DEMO_EN: "+15555550100", DEMO_FR: "+33100000000"}
GREETING = {DEMO_EN: "Thank you for calling Demo Dental Clinic.",
            DEMO_FR: "Bonjour, vous êtes bien au Cabinet Démo."}
LANG = {DEMO_EN: "en-US", DEMO_FR: "fr-FR"}
BOTH = pytest.mark.parametrize("number", [DEMO_EN, DEMO_FR], ids=["en", "fr"])


@BOTH
def test_message_by_keypad_is_stored_with_call_details(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("2"), LeaveMessage(12)], from_="+15557654321")
    assert call.heard[0].text == GREETING[number]
    assert {h.language for h in call.heard} == {LANG[number]}
    assert path(engine, call.call_sid) == ["greeting", "main_menu", "message", "goodbye"]
    [message] = messages(engine)
    assert message.caller == "+15557654321"
    assert message.duration_s == 12
    assert message.recording_sid == call.recordings[0][0]
    assert message.created_at == datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
    row = stored_call(engine, call.call_sid)
    assert (row.status, row.from_number, row.to_number) == ("completed", "+15557654321", number)
    assert row.ended_at is not None and row.duration_s is not None and row.duration_s > 12


@BOTH
def test_hours_choice_then_back_to_menu(sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("3"), Press("2"), LeaveMessage(3)])
    assert path(engine, call.call_sid) == ["greeting", "main_menu", "opening_hours",
                                           "main_menu", "message", "goodbye"]
    assert ("9 AM to 6 PM" if number == DEMO_EN else "de 9 heures à 18 heures") in call.said


@BOTH
@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed", "canceled"])
def test_transfer_not_answered_goes_to_fallback(
        sim: TestTwilioSim, engine: Engine, number: str, outcome: str) -> None:
    call = sim.call(number, [Press("0"), DialOutcome(outcome), LeaveMessage(4)])
    assert path(engine, call.call_sid)[1:] == ["main_menu", "desk_hours", "transfer",
                                               "transfer_failed", "message", "goodbye"]
    failed = fields(engine, call.call_sid, EventKind.transfer_failed)
    assert failed == [EventFields(status=outcome)]


@BOTH
def test_transfer_answered_ends_the_call(sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("0"), DialOutcome("completed", seconds=95)])
    assert path(engine, call.call_sid)[-1] == "transfer"
    completed = fields(engine, call.call_sid, EventKind.transfer_completed)
    assert completed == [EventFields(duration_s=95, number=TRANSFER_TO[number])]
    assert call.exchanges[-2].body.endswith("<Hangup /></Response>")
    assert messages(engine) == []


@BOTH
def test_wrong_keys_and_silence_retry_then_no_match(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("7"), NoInput(), Press("*"), LeaveMessage(5)])
    log = kinds(engine, call.call_sid)
    assert log.count("prompt") == 3
    outcomes = [k for k in log if k in ("invalid_key", "no_input", "no_match")]
    assert outcomes == ["invalid_key", "no_input", "invalid_key", "no_match"]
    # The keys are a reminder after a miss, not the greeting.
    keys = ("press 1 to book an appointment" if number == DEMO_EN
            else "taper 1 pour prendre rendez-vous")
    assert call.said.count(keys) == 2
    assert call.heard[1].text in ("How can I help you today?", "Comment puis-je vous aider ?")
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]


@BOTH
def test_after_hours_only_the_transfer_is_closed(
        sim: TestTwilioSim, engine: Engine, clock: FixedClock, number: str) -> None:
    clock.now = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # a Saturday
    call = sim.call(number, [Press("0"), LeaveMessage(6)])
    assert path(engine, call.call_sid) == ["greeting", "main_menu", "desk_hours",
                                           "desk_closed", "message", "goodbye"]
    assert fields(engine, call.call_sid, EventKind.hours) == [EventFields(state="closed")]
    assert "transfer" not in kinds(engine, call.call_sid) and len(messages(engine)) == 1
    # A message, and the opening hours, need nobody at the desk.
    call = sim.call(number, [Press("3"), Press("2"), LeaveMessage(4)])
    assert path(engine, call.call_sid)[1:4] == ["main_menu", "opening_hours", "main_menu"]
    assert len(messages(engine)) == 2


def test_holidays_close_the_transfer_only(sim: TestTwilioSim, engine: Engine,
                                          clock: FixedClock) -> None:
    clock.now = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # Thanksgiving, 11:00 in New York
    call = sim.call(DEMO_EN, [Press("0"), LeaveMessage(6)])
    assert path(engine, call.call_sid)[2:4] == ["desk_hours", "desk_closed"]
    assert fields(engine, call.call_sid, EventKind.hours) == [EventFields(state="holiday")]
    clock.now = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)  # 11 novembre, Paris
    call = sim.call(DEMO_FR, [Press("0"), LeaveMessage(6)])
    assert path(engine, call.call_sid)[2:4] == ["desk_hours", "desk_closed"]


@BOTH
def test_silent_message_is_logged_not_stored(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("2"), StaySilent()])
    assert messages(engine) == []
    assert "message_absent" in kinds(engine, call.call_sid)
    assert path(engine, call.call_sid)[-1] == "goodbye"
    assert ("I did not hear a message." if number == DEMO_EN
            else "Je n'ai pas entendu de message.") in call.said


def test_caller_hanging_up_during_menu_is_logged(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [HangUp()])
    row = stored_call(engine, call.call_sid)
    assert row.status == "completed"
    assert row.current_step == "main_menu"


def test_unknown_number_gets_a_polite_bilingual_goodbye(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call("+18005550199")
    assert [h.language for h in call.heard] == ["en-US", "fr-FR"]
    assert "not in service" in call.said
    assert call.exchanges[0].body.endswith("<Hangup /></Response>")
    row = stored_call(engine, call.call_sid)
    assert row.tenant_id is None
    assert fields(engine, call.call_sid, EventKind.rejected) == [
        EventFields(reason=Reason.unknown_number)]


def test_call_log_has_timestamps_for_each_step(
        sim: TestTwilioSim, engine: Engine, clock: FixedClock) -> None:
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    log = events(engine, call.call_sid)
    assert all(e.at == clock.now for e in log)
    assert log[0].kind == "call_started"
    assert "status" in [e.kind for e in log]


def test_publishing_mid_call_does_not_break_the_call(
        sim: TestTwilioSim, engine: Engine) -> None:
    from sqlmodel import Session

    from receptionist.tenants import service as tenants

    first = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    assert stored_call(engine, first.call_sid).script_version == 1
    with Session(engine) as session:
        demo = tenants.get_tenant(session, slug="demo")
        text = demo_script_text("demo.yaml").replace(
            "Thank you for calling Demo Dental Clinic.", "Welcome to the new Demo Dental.")
        publishing.publish_script(session, tenant=demo, yaml_text=text)
        session.commit()
    second = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    assert second.heard[0].text == "Welcome to the new Demo Dental."
    assert stored_call(engine, second.call_sid).script_version == 2
