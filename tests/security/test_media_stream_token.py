"""Finding 4: the media WebSocket's signature is the same for every call (Twilio signs the
bare wss URL) and the call came from the unsigned `start` message, so anyone who saw one
handshake could feed audio into any live call whose CallSid they knew, even beside the real
stream. Now `start` needs the call's own unexpired token, and a call takes one stream."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.websockets import WebSocketDisconnect

from receptionist.calls import service as calls
from receptionist.twilio import stream_token
from tests.conftest import DEMO_EN, PUBLIC_BASE, FixedClock
from tests.twilio_sim import TestTwilioSim
from tests.waiting import wait_until

STREAM_URL = PUBLIC_BASE.replace("https://", "wss://") + "/twilio/media"


def _answer_call(sim: TestTwilioSim, call_sid: str) -> dict[str, str]:
    """Place a call; the <Stream> parameters our TwiML gave it."""
    answer = sim.post(PUBLIC_BASE + "/twilio/voice",
                      {"CallSid": call_sid, "From": "+15550001111", "To": DEMO_EN,
                       "StirVerstat": "TN-Validation-Passed-A"})
    assert "<Stream" in answer.text
    return dict(re.findall(r'<Parameter name="([^"]+)" value="([^"]*)"', answer.text))


def _refused(client: TestClient, sim: TestTwilioSim, parameters: dict[str, str],
             stream_sid: str = "MZ" + "b" * 32) -> None:
    """Open a signed stream (the header is the same for every call), send `start`: the
    server must close it as a policy violation."""
    headers = {"X-Twilio-Signature": sim.sign(STREAM_URL, {})}
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(
            "/twilio/media", headers=headers) as socket:
        socket.send_text(json.dumps({"event": "start", "start": {
            "streamSid": stream_sid, "customParameters": parameters}}))
        socket.receive_text()  # the server never sends: this returns only by a close
    assert closed.value.code == 1008


def _stream_of(engine: Engine, call_sid: str) -> str | None:
    with Session(engine) as session:
        call = calls.get_call(session, call_sid=call_sid)
        assert call is not None
        return call.media_stream_sid


def test_start_needs_the_calls_own_token(client: TestClient, sim: TestTwilioSim,
                                         engine: Engine) -> None:
    victim = "CA" + "1" * 32
    mine = "CA" + "2" * 32
    _answer_call(sim, victim)
    my_parameters = _answer_call(sim, mine)
    assert set(my_parameters) == {"callSid", "token"}
    _refused(client, sim, {"callSid": victim})  # the old attack: no token
    _refused(client, sim, {"callSid": victim, "token": my_parameters["token"]})  # my call's
    _refused(client, sim, {"callSid": victim, "token": "9999999999.forged"})
    assert _stream_of(engine, victim) is None

def test_one_stream_per_call(client: TestClient, sim: TestTwilioSim, engine: Engine) -> None:
    call_sid = "CA" + "3" * 32
    parameters = _answer_call(sim, call_sid)
    headers = {"X-Twilio-Signature": sim.sign(STREAM_URL, {})}
    with client.websocket_connect("/twilio/media", headers=headers) as first:
        first.send_text(json.dumps({"event": "start", "start": {
            "streamSid": "MZ" + "c" * 32, "customParameters": parameters}}))
        wait_until(lambda: _stream_of(engine, call_sid) is not None,
                   "the app to handle the first start")
        assert _stream_of(engine, call_sid) == "MZ" + "c" * 32
        # Twilio's own stream is up; a copy of its start (same token) is turned away.
        _refused(client, sim, parameters, stream_sid="MZ" + "d" * 32)
        assert _stream_of(engine, call_sid) == "MZ" + "c" * 32
        first.send_text(json.dumps({"event": "stop"}))


def test_tokens_expire(client: TestClient, sim: TestTwilioSim, clock: FixedClock) -> None:
    call_sid = "CA" + "4" * 32
    parameters = _answer_call(sim, call_sid)
    clock.now += stream_token.LIFETIME + timedelta(seconds=1)
    _refused(client, sim, parameters)


def test_token_checks() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    token = stream_token.issue("k" * 40, "CA" + "5" * 32, now)
    assert stream_token.valid("k" * 40, "CA" + "5" * 32, token, now)
    assert not stream_token.valid("other-key" * 5, "CA" + "5" * 32, token, now)
    assert not stream_token.valid("k" * 40, "CA" + "6" * 32, token, now)
    for junk in (None, 5, "", ".", "x.y", "1.", "a" * 500):
        assert not stream_token.valid("k" * 40, "CA" + "5" * 32, junk, now)
