"""Garbled, oversized, replayed and out-of-order webhooks: a clear 4xx or an idempotent
answer, never a 500 and never a duplicate."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from receptionist.calls.events import EventFields, EventKind
from receptionist.calls.models import Call
from receptionist.config import Settings
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.conftest import DEMO_EN, DEMO_FR, PUBLIC_BASE
from tests.twilio.helpers import events, fields, kinds, messages, stored_call
from tests.twilio_sim import TestTwilioSim

SID = "CA" + "b" * 32


def voice_form(**extra: str) -> dict[str, str]:
    return {"CallSid": SID, "From": "+15551112222", "To": DEMO_EN,
            "StirVerstat": "TN-Validation-Passed-A", **extra}


@pytest.mark.parametrize(("form", "fragment"), [
    ({"From": "+15551112222", "To": DEMO_EN}, "CallSid"),
    ({"CallSid": "not-a-sid", "To": DEMO_EN}, "CallSid"),
    ({"CallSid": SID, "From": "+1555"}, "To"),
    ({"CallSid": SID, "To": ""}, "To"),
    ({"CallSid": SID, "To": "x" * 200}, "To"),
    ({"CallSid": SID, "To": "+1555\u0000"}, "NUL"),  # refused before the form is read
])
def test_missing_or_garbled_voice_fields_are_400(
        sim: TestTwilioSim, engine: Engine, form: dict[str, str], fragment: str) -> None:
    response = sim.post_raw("/twilio/voice", form)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Call)).one() == 0


@pytest.mark.parametrize(("route", "form"), [
    ("/twilio/menu?step=main_menu&seq=1", {"CallSid": SID, "Digits": "1; DROP TABLE"}),
    ("/twilio/menu?step=main_menu&seq=abc", {"CallSid": SID, "Digits": "1"}),
    ("/twilio/menu?step=../../etc&seq=1", {"CallSid": SID, "Digits": "1"}),
    ("/twilio/menu?seq=1", {"CallSid": SID, "Digits": "1"}),
    ("/twilio/status", {"CallSid": SID, "CallStatus": "exploded"}),
    ("/twilio/status", {"CallSid": SID, "CallStatus": "completed", "CallDuration": "-5"}),
    ("/twilio/recorded?step=message&seq=1", {"CallSid": SID, "RecordingSid": "RE1",
                                              "RecordingUrl": "x"}),
    ("/twilio/recorded?step=message&seq=1", {"CallSid": SID, "RecordingDuration": "ten"}),
    ("/twilio/dialed?step=transfer&seq=1", {"CallSid": SID, "DialCallDuration": "long"}),
    ("/twilio/book?step=book&seq=1&stage=who&type=../x", {"CallSid": SID, "Digits": "1"}),
    ("/twilio/book?step=book&seq=1&stage=offer&slots=1790000000&seats=a,B",
     {"CallSid": SID, "Digits": "1"}),
    ("/twilio/book?step=book&seq=1&stage=confirm&slot=1790000000&seat=-x",
     {"CallSid": SID, "Digits": "1"}),
    ("/twilio/book?step=book&seq=1&stage=choose", {"CallSid": SID, "Digits": "1"}),
    ("/twilio/book?step=book&seq=1&stage=offer&slots=1790000000&wish=tomorrow",
     {"CallSid": SID, "Digits": "1"}),
])
def test_garbled_callback_fields_are_400(sim: TestTwilioSim, route: str,
                                         form: dict[str, str]) -> None:
    assert sim.post_raw(route, form).status_code == 400


def test_oversized_body_is_413(sim: TestTwilioSim, settings: Settings) -> None:
    response = sim.post_raw("/twilio/voice", voice_form(Junk="x" * settings.max_body_bytes))
    assert response.status_code == 413


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/twilio/voice", json=voice_form(),
                           headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 415


def test_undecodable_body_is_400(client: TestClient) -> None:
    response = client.post(
        "/twilio/voice", content=b"CallSid=%ff%fe&To=%C3",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Twilio-Signature": "x"})
    assert response.status_code == 400


def test_get_is_not_allowed(client: TestClient) -> None:
    assert client.get("/twilio/voice").status_code == 405


def test_replayed_webhooks_get_the_same_answer_and_no_duplicate(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(9)])
    before = len(events(engine, call.call_sid))
    for exchange in call.exchanges:  # Twilio retrying every request of the call
        again = sim.post(exchange.url, exchange.form)
        assert again.status_code == 200
        assert again.text == exchange.body
    assert len(messages(engine)) == 1
    assert len(events(engine, call.call_sid)) == before


def test_recording_callbacks_in_any_order_store_one_message(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Press("2"), LeaveMessage(9)])
    recorded = next(e for e in call.exchanges if "/twilio/recorded" in e.url)
    status = next(e for e in call.exchanges if "/twilio/recording-status" in e.url)
    # Same recording, reported again with a different form (no replay-store hit).
    sim.post(status.url, {**status.form, "RecordingChannels": "1"})
    sim.post(recorded.url, {**recorded.form, "Extra": "1"})
    assert len(messages(engine)) == 1


def test_status_before_voice_and_late_non_final_status(
        sim: TestTwilioSim, engine: Engine) -> None:
    form = voice_form(CallStatus="completed", CallDuration="42")
    assert sim.post_raw("/twilio/status", form).status_code == 200
    row = stored_call(engine, SID)
    assert (row.status, row.duration_s) == ("completed", 42)
    assert row.tenant_id is not None  # found through the dialled number
    late = voice_form(CallStatus="ringing")
    assert sim.post_raw("/twilio/status", late).status_code == 200
    assert stored_call(engine, SID).status == "completed"
    assert "status_ignored" in kinds(engine, SID)


def test_stale_menu_callback_does_not_act_twice(sim: TestTwilioSim, engine: Engine) -> None:
    response = sim.post_raw("/twilio/voice", voice_form())
    assert response.status_code == 200
    menu_url = "/twilio/menu?step=main_menu&attempt=0&seq=1"
    first = sim.post_raw(menu_url, {"CallSid": SID, "Digits": "2"})
    assert "<Record" in first.text
    # The same callback again, whatever its form says, is a replay: the stored answer.
    again = sim.post_raw(menu_url, {"CallSid": SID, "Digits": "3"})
    assert again.status_code == 200 and again.text == first.text
    # The same step answered by speech after the key (keypad racing speech): ignored,
    # Twilio is brought back to the step the call is really at.
    second = sim.post_raw(menu_url + "&said=opening+hours&heard=0.9", {"CallSid": SID})
    assert second.status_code == 200
    assert f"{PUBLIC_BASE}/twilio/step?step=message" in second.text
    choices = fields(engine, SID, EventKind.choice)
    assert choices == [EventFields(intent="message", digit="2", via="keypad")]
    assert "stale_callback" in kinds(engine, SID)


def test_callback_for_unknown_call_is_answered_politely(sim: TestTwilioSim) -> None:
    response = sim.post_raw("/twilio/menu?step=main_menu&attempt=0&seq=1",
                            {"CallSid": "CA" + "f" * 32, "Digits": "1"})
    assert response.status_code == 200
    assert "<Hangup />" in response.text


def test_callback_naming_a_step_of_another_kind_apologises(
        sim: TestTwilioSim, engine: Engine) -> None:
    sim.post_raw("/twilio/voice", voice_form())
    response = sim.post_raw("/twilio/dialed?step=main_menu&seq=1",
                            {"CallSid": SID, "DialCallStatus": "completed"})
    assert response.status_code == 200
    assert "technical difficulties" in response.text


def test_database_failure_takes_a_message_not_a_500(
        sim: TestTwilioSim, engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP TABLE webhook_replies")
        conn.commit()
    response = sim.post_raw("/twilio/voice", voice_form())
    assert response.status_code == 200
    assert "leave your name, number and message" in response.text
    assert "/twilio/fallback/recorded" in response.text
