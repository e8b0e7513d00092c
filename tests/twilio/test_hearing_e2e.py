"""What the ear does in whole calls: noise on the line routes nothing, a saturated
recognition process asks for the keypad, the engine's doubt turns a route into a question,
and French is heard by whisper base once it is installed."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from receptionist.calls.events import EventKind
from receptionist.config import Settings
from receptionist.runtime import Runtime
from receptionist.speech.engines import whisper_models
from receptionist.speech.engines.choice import build_recognizer
from receptionist.speech.process_pool import Heard, RemoteStream
from receptionist.speech.recognition_process import BEHIND_S
from receptionist.twilio.simulator import (
    LeaveMessage,
    Press,
    ScriptedCaller,
    SimulatedCall,
    Speak,
)
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import fields, kinds, path
from tests.twilio_sim import FakeTwilioApi, TestMediaStreams, TestTwilioSim

STREAM_URL = "wss://receptionist.example.com/twilio/media"


def open_call(sim: TestTwilioSim, media: TestMediaStreams, to: str = DEMO_EN
              ) -> SimulatedCall:
    call = SimulatedCall(sim, ScriptedCaller([]), to=to, from_="+15550003333")
    answer = sim.post(sim.public_base + "/twilio/voice", call.base_form())
    token = answer.text.split('name="token" value="')[1].split('"')[0]
    media.open(call, STREAM_URL, {"callSid": call.call_sid, "token": token})
    return call


def test_line_noise_key_tones_and_hold_music_route_nothing(
        sim: TestTwilioSim, media: TestMediaStreams, twilio_api: FakeTwilioApi) -> None:
    rng = np.random.default_rng(3)
    rate = 8000
    t = np.arange(rate // 5) / rate
    dtmf = np.concatenate([np.concatenate([
        (6000 * (np.sin(2 * np.pi * lo * t) + np.sin(2 * np.pi * hi * t)) / 2).astype(np.int16),
        np.zeros(rate // 10, dtype=np.int16)])
        for lo, hi in ((697, 1209), (770, 1336), (941, 1336))])
    hiss = rng.normal(0, 400, rate * 3).astype(np.int16)
    half = np.arange(rate // 2) / rate
    chords = np.concatenate([
        (5000 * np.sum([np.sin(2 * np.pi * f * half) for f in chord], axis=0) / 3
         ).astype(np.int16)
        for chord in ([262, 330, 392], [294, 370, 440], [330, 415, 494])])
    call = open_call(sim, media)
    try:
        # Each is heard to the end (the app is done with it) and answers nothing.
        assert [media.play(call, noise, rate) for noise in (dtmf, hiss, chords)] == [
            None, None, None]
        # The app was listening all along: words said next are heard and routed.
        redirect = media.speak(call, "I'd like to leave a message please")
        assert redirect is not None and "said=" in redirect
    finally:
        media.close(call)
    assert twilio_api.redirects[call.call_sid] == [redirect]


def test_a_saturated_recognition_process_asks_for_the_keypad(
        sim: TestTwilioSim, engine: Engine, twilio_api: FakeTwilioApi,
        media: TestMediaStreams, runtime: Runtime, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests' recognition never skips; this app's does, past the production limit.
    runtime.settings = settings.model_copy(update={"speech_max_behind_s": BEHIND_S})
    original = RemoteStream.accept

    async def far_behind(self: RemoteStream, ulaw: bytes, *,
                         spoken_at: float | None = None) -> Heard:
        # Every batch reaches the child a minute after it was spoken (others hold the
        # CPU): too late, whatever the speed of this machine.
        return await original(self, ulaw, spoken_at=time.monotonic() - 60)

    monkeypatch.setattr(RemoteStream, "accept", far_behind)
    call = sim.call(DEMO_EN, [Speak("I would like to book an appointment"), Press("2"),
                              LeaveMessage(4)])
    [redirect] = twilio_api.redirects[call.call_sid]
    assert redirect.endswith("&keypad=1")
    assert "speech_busy" in kinds(engine, call.call_sid)
    assert "Sorry, I cannot take spoken answers right now. Please use your keypad." in call.said
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]


def test_words_the_engine_doubts_are_confirmed_not_routed(
        sim: TestTwilioSim, engine: Engine) -> None:
    # What a media redirect carries: the words and the engine's confidence in them.
    sid = "CA" + "8" * 32
    answer = sim.post_raw("/twilio/voice", {"CallSid": sid, "From": "+1555", "To": DEMO_EN,
                                             "StirVerstat": "TN-Validation-Passed-A"})
    seq = answer.text.split("seq=")[1].split('"')[0].split("&")[0]
    doubted = sim.post_raw(f"/twilio/menu?step=main_menu&attempt=0&seq={seq}"
                           "&said=I+want+to+book+an+appointment&heard=0.35", {"CallSid": sid})
    assert "You&apos;d like to book an appointment, is that right?" in doubted.text or (
        "You'd like to book an appointment, is that right?" in doubted.text)
    [understood] = fields(engine, sid, EventKind.understood)
    assert understood.band == "confirm" and understood.heard_confidence == 0.35


def test_french_is_heard_by_whisper_base_once_installed(
        sim: TestTwilioSim, engine: Engine, twilio_api: FakeTwilioApi,
        media: TestMediaStreams, runtime: Runtime, settings: Settings, whisper_base: Path
        ) -> None:
    settings.vosk_model_dir.mkdir(parents=True, exist_ok=True)
    (settings.vosk_model_dir / "whisper-base").symlink_to(whisper_base / "whisper-base")
    runtime.recognizer = build_recognizer(settings)
    media.voice = "fr"
    call = sim.call(DEMO_FR, [Speak("Je voudrais laisser un message"), Press("2"),
                              LeaveMessage(4)])
    assert call.stream is not None  # French now listens
    redirects = twilio_api.redirects[call.call_sid]
    assert redirects and "said=" in redirects[0]
    understood = fields(engine, call.call_sid, EventKind.understood)
    assert understood  # heard and weighed; espeak's French is hard, whatever the band
    # Never a wrong route: if it routed, it routed to the message.
    steps = path(engine, call.call_sid)
    assert "message" in steps and not {"book", "transfer"} & set(steps)
    assert whisper_models.found(settings.vosk_model_dir)["whisper-base"]


def test_twilios_own_speech_confidence_is_weighed_like_ours(
        sim: TestTwilioSim, engine: Engine) -> None:
    sid = "CA" + "9" * 32
    answer = sim.post_raw("/twilio/voice", {"CallSid": sid, "From": "+1555", "To": DEMO_EN,
                                             "StirVerstat": "TN-Validation-Passed-A"})
    seq = answer.text.split("seq=")[1].split('"')[0].split("&")[0]
    sure = sim.post_raw(f"/twilio/menu?step=main_menu&attempt=0&seq={seq}", {
        "CallSid": sid, "SpeechResult": "I'd like to leave a message", "Confidence": "0.92"})
    assert "<Record" in sure.text
    bad = sim.post_raw(f"/twilio/menu?step=main_menu&attempt=0&seq={seq}", {
        "CallSid": sid, "SpeechResult": "hello", "Confidence": "7"})
    assert bad.status_code == 400  # a confidence out of 0..1 is refused, not guessed at
    [understood] = fields(engine, sid, EventKind.understood)
    assert understood.heard_confidence == 0.92
