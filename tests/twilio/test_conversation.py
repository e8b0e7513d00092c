"""The stream runner's own parts: who may open a call's two-way stream, what its prompts'
audio is, which of our URLs it answers itself, and what a call leaving its stream is
given to carry out (`/twilio/resume`)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from starlette.websockets import WebSocketDisconnect

from receptionist.call_flows.actions import Callback as Cb
from receptionist.call_flows.actions import Gather, Hangup, Say, StreamAudio
from receptionist.runtime import Runtime
from receptionist.twilio import callbacks, twiml
from receptionist.twilio.conversation import ulaw_of_wav
from receptionist.voice.prompts import ulaw_wav
from tests.conftest import DEMO_EN, PUBLIC_BASE
from tests.twilio.helpers import publish_demo
from tests.twilio_sim import TestTwilioSim

CONVERSATION = PUBLIC_BASE.replace("https://", "wss://") + "/twilio/conversation"
STREAM = ("\nstart: greeting\n", "\ntransport: stream\nstart: greeting\n")


def _answer(sim: TestTwilioSim, call_sid: str) -> dict[str, str]:
    answer = sim.post(PUBLIC_BASE + "/twilio/voice",
                      {"CallSid": call_sid, "From": "+15550001111", "To": DEMO_EN,
                       "StirVerstat": "TN-Validation-Passed-A"})
    assert "<Connect><Stream" in answer.text
    return dict(re.findall(r'<Parameter name="([^"]+)" value="([^"]*)"', answer.text))


def _refused(client: TestClient, sim: TestTwilioSim, parameters: dict[str, str],
             signature: str | None = None) -> None:
    headers = {"X-Twilio-Signature": signature if signature is not None
               else sim.sign(CONVERSATION, {})}
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(
            "/twilio/conversation", headers=headers) as socket:
        socket.send_text(json.dumps({"event": "start", "start": {
            "streamSid": "MZ" + "b" * 32, "customParameters": parameters}}))
        socket.receive_text()  # the server never speaks to a refused stream
    assert closed.value.code == 1008


def test_a_stream_needs_the_signature_and_the_calls_own_token(
        client: TestClient, sim: TestTwilioSim, engine: Engine) -> None:
    publish_demo(engine, DEMO_EN, STREAM)
    victim, mine = "CA" + "1" * 32, "CA" + "2" * 32
    _answer(sim, victim)
    own = _answer(sim, mine)
    _refused(client, sim, own, signature="forged")
    _refused(client, sim, {"callSid": victim, "token": own["token"]})  # another's token
    _refused(client, sim, {"callSid": victim})
    with client.websocket_connect("/twilio/conversation", headers={
            "X-Twilio-Signature": sim.sign(CONVERSATION, {})}) as socket:
        socket.send_text(json.dumps({"event": "start", "start": {
            "streamSid": "MZ" + "c" * 32, "callSid": mine, "customParameters": own}}))
        assert json.loads(socket.receive_text())["event"] == "media"  # our voice
        # A second stream for the same call, with its right token, is refused.
        _refused(client, sim, own)
        socket.send_text(json.dumps({"event": "stop"}))


def test_prompt_audio_is_the_wav_files_samples() -> None:
    samples = bytes(range(256)) * 3 + b"\x01"  # an odd length: the file is padded
    assert ulaw_of_wav(ulaw_wav(samples)) == samples
    with pytest.raises(ValueError):
        ulaw_of_wav(b"RIFF\x04\x00\x00\x00WAVE")


def test_only_our_own_gather_record_and_redirect_urls_are_answered_in_process(
        runtime: Runtime) -> None:
    form = {"CallSid": "CA" + "3" * 32}
    for url in ("https://elsewhere.example.com/twilio/menu?step=main_menu",
                "https://elsewhere.example.com/twilio/recorded?step=message",
                PUBLIC_BASE + "/twilio/dialed?step=transfer",
                PUBLIC_BASE + "/twilio/status"):
        assert callbacks.in_process(runtime, url, form) is None
    assert set(callbacks.IN_PROCESS) == {
        "/twilio/menu", "/twilio/step", "/twilio/book", "/twilio/challenge",
        "/twilio/recorded", "/twilio/no-recording", "/twilio/recording-status"}


def test_a_document_less_what_was_carried_out_with_a_fork_for_its_prompt() -> None:
    url = twiml.url_for(PUBLIC_BASE)
    document = twiml.render([Say("Hello.", "", "en-US"),
                             Gather(Cb.to("menu", step="m"), 5, [Say("Press 1.", "", "en-US")]),
                             Hangup()], url)
    fork = StreamAudio("wss://x.example.com/twilio/media", (("callSid", "CA1"),))
    rest = twiml.remainder(document, 1, fork)
    assert rest.index("<Start>") < rest.index("<Gather") and "Hello." not in rest
    assert twiml.remainder(document, 2, fork).endswith("<Response><Hangup /></Response>")
    assert twiml.remainder(document, 0) .count("<Say") == 2


def test_resume_refuses_what_twilio_never_sends(sim: TestTwilioSim, client: TestClient) -> None:
    form = {"CallSid": "CA" + "4" * 32, "To": DEMO_EN, "From": "+15550001111"}
    url = PUBLIC_BASE + "/twilio/resume"
    assert client.post("/twilio/resume", data=form).status_code == 403  # unsigned
    assert sim.post(url + "?skip=many", form).status_code == 400
    assert sim.post(url, {**form, "Bogus": "1"}).status_code == 400
    # A call we never answered: nothing to carry out (Twilio ends it).
    unknown = sim.post(url, form)
    assert unknown.status_code == 200 and "<Response />" in unknown.text
