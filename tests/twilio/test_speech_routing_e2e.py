"""Live speech routing: whole calls where the caller speaks into Twilio's media stream
(synthesized with espeak-ng, sent as 8 kHz μ-law frames) and the app redirects the call
through the REST API. English is heard by the default engine, whisper tiny.en (shipped on
PyPI); French by whisper base when it is installed."""

from __future__ import annotations

import json
import os
import re
import signal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from starlette.websockets import WebSocketDisconnect

from receptionist.calls.events import EventFields, EventKind
from receptionist.speech.process_pool import Heard, RemoteStream
from receptionist.twilio.simulator import (
    DialOutcome,
    LeaveMessage,
    NoInput,
    Press,
    ScriptedCaller,
    SimulatedCall,
    Speak,
    Spoken,
    StaySilent,
)
from tests.conftest import DEMO_EN, DEMO_FR, PUBLIC_BASE
from tests.conftest import Speak as SpeakFixture
from tests.twilio.helpers import fields, kinds, path
from tests.twilio_sim import FakeTwilioApi, TestMediaStreams, TestTwilioSim

STREAM_URL = "wss://receptionist.example.com/twilio/media"
PERSON = "I would like to speak to someone"
BOOK = "I would like to book an appointment"
PERSON_SAID = "&said=I+would+like+to+speak+to+someone&heard="
# The booking dialogue of one agenda (`main`): the demo without its practice.
pytestmark = pytest.mark.usefixtures("single_agenda_demos")


def speech_choices(engine: Engine, call_sid: str) -> list[EventFields]:
    return [f for f in fields(engine, call_sid, EventKind.choice)
            if f.via in ("speech", "speech-key")]


@pytest.mark.usefixtures("media")
def test_saying_appointment_routes_to_booking(sim: TestTwilioSim, engine: Engine,
                                              twilio_api: FakeTwilioApi) -> None:
    call = sim.call(DEMO_EN, [Speak(BOOK), Press("1"), Press("1"), StaySilent()])
    assert call.stream is not None
    url, parameters = call.stream
    assert url == STREAM_URL and parameters["callSid"] == call.call_sid
    assert parameters["token"]  # the call's own credential for its stream
    # The words go to the menu's own callback, which understands and claims them.
    [redirect] = twilio_api.redirects[call.call_sid]
    assert redirect.startswith(f"{PUBLIC_BASE}/twilio/menu?step=main_menu&attempt=0&seq=")
    assert re.search(r"&said=I\+would\+like\+to\+\w+\+an\+appointment&heard=0\.\d\d$",
                     redirect), redirect
    assert path(engine, call.call_sid)[1:] == ["main_menu", "book", "goodbye"]
    assert "booked" in kinds(engine, call.call_sid)
    [choice] = speech_choices(engine, call.call_sid)
    assert choice == EventFields(intent="book", via="speech")
    [understood] = fields(engine, call.call_sid, EventKind.understood)
    assert understood.heard is not None and understood.heard.startswith("I would like to ")
    assert (understood.band, understood.intent) == ("route", "book")


@pytest.mark.usefixtures("media")
@pytest.mark.parametrize(("said", "then", "expected_step"), [
    ("I'd like to leave a message please", [LeaveMessage(5)], "message"),
    ("I want to make an appointment", [Press("1"), Press("1"), StaySilent()], "book"),
    (PERSON, [DialOutcome("no-answer"), LeaveMessage(5)], "desk_hours"),
])
def test_each_menu_intent_by_voice(sim: TestTwilioSim, engine: Engine, said: str,
                                   then: list[Press | LeaveMessage | DialOutcome],
                                   expected_step: str) -> None:
    call = sim.call(DEMO_EN, [Speak(said), *then])
    assert path(engine, call.call_sid)[2] == expected_step
    assert len(speech_choices(engine, call.call_sid)) == 1


@pytest.mark.usefixtures("media")
def test_unrecognised_speech_is_never_routed(
        sim: TestTwilioSim, engine: Engine, twilio_api: FakeTwilioApi) -> None:
    # A grammar of the menu's phrases forced "pizza" onto "see" (of "see the dentist");
    # heard freely, a request for something else leads nowhere: the caller is asked again
    # (told honestly that it is not something we do, when the model is sure of that).
    call = sim.call(DEMO_EN, [Speak("I want to order a large pizza"), Press("2"),
                              LeaveMessage(4)])
    [redirect] = twilio_api.redirects[call.call_sid]
    assert redirect.startswith(f"{PUBLIC_BASE}/twilio/menu?step=main_menu&attempt=0&seq=")
    log = kinds(engine, call.call_sid)
    assert "invalid_speech" in log and "confirm_asked" not in log
    assert not speech_choices(engine, call.call_sid)
    assert call.said.count("How can I help you today?") == 2  # the menu, again
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]


def test_repeated_misunderstanding_reaches_no_match(sim: TestTwilioSim, engine: Engine) -> None:
    # The callback the media handler redirects to when speech matches nothing, three times
    # (deterministic: no recognizer involved).
    sid = "CA" + "6" * 32
    answer = sim.post_raw("/twilio/voice", {"CallSid": sid, "From": "+1555", "To": DEMO_EN,
                                             "StirVerstat": "TN-Validation-Passed-A"})
    for attempt in range(3):
        seq = answer.text.split("seq=")[1].split('"')[0].split("&")[0]
        answer = sim.post_raw(
            f"/twilio/menu?step=main_menu&attempt={attempt}&seq={seq}&said=pizza",
            {"CallSid": sid})
        assert answer.status_code == 200
    assert kinds(engine, sid).count("invalid_speech") == 3
    assert "no_match" in kinds(engine, sid)
    assert "<Record" in answer.text


@pytest.mark.usefixtures("media")
def test_french_without_a_model_is_keypad_only(sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Press("2"), LeaveMessage(4)])
    assert call.stream is None
    assert "speech" not in kinds(engine, call.call_sid)


def test_a_key_pressed_after_speech_does_not_count(
        sim: TestTwilioSim, engine: Engine, media: TestMediaStreams) -> None:
    # Speech answers the menu; the caller's key arrives after Twilio followed the redirect.
    call = SimulatedCall(sim, ScriptedCaller([]), to=DEMO_EN, from_="+15550002222")
    answer = sim.post(PUBLIC_BASE + "/twilio/voice", call.base_form())
    action = answer.text.split('action="')[1].split('"')[0].replace("&amp;", "&")
    token = answer.text.split('name="token" value="')[1].split('"')[0]
    media.open(call, STREAM_URL, {"callSid": call.call_sid, "token": token})
    try:
        redirect = media.speak(call, PERSON)
        assert redirect is not None and PERSON_SAID in redirect
        followed = sim.post(redirect, call.base_form())
        assert "<Dial" in followed.text
        late = sim.post(action, {**call.base_form(), "Digits": "2"})
        assert late.status_code == 200
        assert f"<Redirect>{PUBLIC_BASE}/twilio/step?step=transfer</Redirect>" in late.text
    finally:
        media.close(call)
    choices = fields(engine, call.call_sid, EventKind.choice)
    assert [(c.intent, c.via) for c in choices] in (
        [("transfer", "speech")], [("transfer", "speech-key")])


def test_unsigned_stream_is_refused(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as info, client.websocket_connect("/twilio/media"):
        pass
    assert info.value.code == 1008


def test_stream_for_an_unknown_call_is_closed(client: TestClient, sim: TestTwilioSim) -> None:
    headers = {"X-Twilio-Signature": sim.sign(STREAM_URL, {})}
    with client.websocket_connect("/twilio/media", headers=headers) as socket:
        socket.send_text(json.dumps({"event": "start", "start": {
            "customParameters": {"callSid": "CA" + "9" * 32}}}))
        with pytest.raises(WebSocketDisconnect) as info:
            socket.receive_text()
    assert info.value.code == 1008


@pytest.mark.usefixtures("media")
def test_protocol_junk_does_not_break_the_stream(
        client: TestClient, sim: TestTwilioSim, media: TestMediaStreams, speak: SpeakFixture,
        twilio_api: FakeTwilioApi) -> None:
    class JunkFirst:
        """Sends garbage on the open stream before speaking."""

        def __init__(self) -> None:
            self.sent = False

        def press(self, prompt: object) -> object:
            if not self.sent:
                self.sent = True
                _, socket, _ = media.sockets[call_sid[0]]
                for junk in ("not json", '{"no_event": 1}', '{"event": "teleport"}',
                             '{"event": "media", "media": {"payload": "%%%"}}',
                             '{"event": "media"}', "[1, 2]"):
                    socket.send_text(junk)
                socket.send_bytes(b"\x00\x01binary")
                return Spoken(PERSON)
            return None

        def record(self, prompt: object) -> None:
            return None

        def dial_result(self, number: str) -> str:
            return "busy"

    call_sid: list[str] = []
    call = SimulatedCall(sim, JunkFirst(), to=DEMO_EN, from_="+15550001111")  # type: ignore[arg-type]
    call_sid.append(call.call_sid)
    call.run()
    [redirect] = twilio_api.redirects[call.call_sid]
    assert PERSON_SAID in redirect
    assert client.get("/healthz").status_code == 200


@pytest.mark.usefixtures("media")
def test_abrupt_close_is_harmless(client: TestClient, sim: TestTwilioSim,
                                  media: TestMediaStreams) -> None:
    response = sim.post_raw("/twilio/voice", {"CallSid": "CA" + "7" * 32, "From": "+1555",
                                              "To": DEMO_EN,
                                              "StirVerstat": "TN-Validation-Passed-A"})
    assert "<Stream" in response.text
    headers = {"X-Twilio-Signature": sim.sign(STREAM_URL, {})}
    with client.websocket_connect("/twilio/media", headers=headers) as socket:
        socket.send_text(json.dumps({"event": "start", "start": {
            "customParameters": {"callSid": "CA" + "7" * 32}}}))
        socket.send_text(json.dumps({"event": "media", "media": {"payload": "//8="}}))
    assert client.get("/healthz").status_code == 200


@pytest.mark.usefixtures("media")
def test_a_recognition_process_crash_mid_call_leaves_the_keypad(
        sim: TestTwilioSim, engine: Engine, twilio_api: FakeTwilioApi,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    original = RemoteStream.accept
    killed: list[int] = []

    async def crash_first(self: RemoteStream, ulaw: bytes, *,
                          spoken_at: float | None = None) -> Heard:
        if not killed:  # the child dies while the caller is speaking
            killed.append(self._child.proc.pid)
            os.kill(self._child.proc.pid, signal.SIGKILL)
        return await original(self, ulaw, spoken_at=spoken_at)

    monkeypatch.setattr(RemoteStream, "accept", crash_first)
    call = sim.call(DEMO_EN, [Speak(PERSON), Press("2"), LeaveMessage(4)])
    assert killed
    assert call.call_sid not in twilio_api.redirects  # speech is off for this call
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]
    assert "speech off, keypad only" in caplog.text
    # The next call gets a fresh recognition process and is heard again.
    monkeypatch.setattr(RemoteStream, "accept", original)
    again = sim.call(DEMO_EN, [Speak(PERSON), DialOutcome("busy"), LeaveMessage(4)])
    assert len(speech_choices(engine, again.call_sid)) == 1


@pytest.mark.usefixtures("media")
def test_booking_by_voice_from_menu_to_confirmation(
        sim: TestTwilioSim, engine: Engine, twilio_api: FakeTwilioApi) -> None:
    call = sim.call(DEMO_EN, [Speak(BOOK), Speak("I'll take the first one"),
                              Speak("yes please"),
                              StaySilent()])
    redirects = twilio_api.redirects[call.call_sid]
    assert len(redirects) == 3
    assert "stage=offer" in redirects[1] and redirects[1].endswith("pressed=1")
    # The confirmation's step reads the whole answer ("no, Thursday"): words, not a key.
    assert "stage=confirm" in redirects[2] and "said=yeah" in redirects[2].lower()
    assert "Your appointment is booked for Tuesday, November 17th at 11 AM." in call.said
    assert "booked" in kinds(engine, call.call_sid)


@pytest.mark.usefixtures("media")
def test_booking_voice_and_keys_mix(sim: TestTwilioSim, engine: Engine,
                                    twilio_api: FakeTwilioApi) -> None:
    call = sim.call(DEMO_EN, [Press("1"), Press("9"), Speak("I'll take the first one"),
                              Speak("no I don't want that"), Press("3"), Press("1"),
                              StaySilent()])
    offer, confirm = twilio_api.redirects[call.call_sid]
    assert "stage=offer" in offer and offer.endswith("pressed=1")
    assert "stage=confirm" in confirm and "said=no" in confirm.lower()
    assert "I can offer Wednesday, November 18th." in call.said
    assert "Your appointment is booked for Tuesday, November 17th at noon." in call.said


@pytest.mark.usefixtures("media")
def test_words_that_answer_nothing_are_not_silence(
        sim: TestTwilioSim, engine: Engine, twilio_api: FakeTwilioApi) -> None:
    """At an offer (a keypad prompt), words that name no time, day or key are not sent to
    the call; when its <Gather> then times out, the caller, who spoke, hears "I did not
    understand", not "I did not hear anything", and the timeline keeps what was heard."""
    call = sim.call(DEMO_EN, [Press("1"), Speak("I like green apples and bananas"),
                              Press("1"), Press("1"), StaySilent()])
    assert call.call_sid not in twilio_api.redirects
    said = call.said
    assert "Sorry, I did not understand. I can offer Tuesday, November 17th." in said
    assert "I did not hear anything" not in said
    [ignored] = fields(engine, call.call_sid, EventKind.words_ignored)
    assert "apples" in (ignored.heard or "").lower() and ignored.heard_confidence is not None
    assert "booked" in kinds(engine, call.call_sid)


@pytest.mark.usefixtures("media")
def test_silence_after_a_prompt_is_still_silence(sim: TestTwilioSim) -> None:
    call = sim.call(DEMO_EN, [Press("1"), NoInput(), Press("1"), Press("1"),
                              StaySilent()])
    assert "Sorry, I did not hear anything. I can offer Tuesday" in call.said
