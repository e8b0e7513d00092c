"""Silero end of speech on a live stream: speech gives one utterance per sentence; silence,
key tones, line hiss, breathing-like noise and hold-music-like tones give none."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from receptionist.speech.audio import Samples, resample
from receptionist.speech.vad import WINDOW, Endpointer
from tests.conftest import Speak

RATE = 16000


def feed(audio: Samples, chunk: int = 1600) -> list[np.ndarray]:
    """Stream `audio` in 100 ms chunks, then 1 s of silence, as a call would."""
    audio = np.concatenate([audio, np.zeros(RATE, dtype=np.int16)])
    endpointer = Endpointer()
    found = []
    for start in range(0, audio.size, chunk):
        found += endpointer.accept(audio[start:start + chunk])
    last = endpointer.finish()
    return [*found, *([last] if last is not None else [])]


def tone(frequencies: Sequence[float], seconds: float, level: float = 8000) -> Samples:
    t = np.arange(int(seconds * RATE)) / RATE
    wave: np.ndarray = np.sum([np.sin(2 * np.pi * f * t) for f in frequencies], axis=0)
    return (level * wave / len(frequencies)).astype(np.int16)


def test_a_sentence_is_one_utterance_that_ends_after_the_speech(speak: Speak) -> None:
    samples, rate = speak("I would like to book an appointment for next week")
    audio = resample(samples, rate, RATE)
    [utterance] = feed(audio)
    # The whole sentence, and not much of the silence after it (end of speech ~0.6 s).
    assert audio.size * 0.8 / RATE < utterance.size / RATE < audio.size / RATE + 1.0


def test_a_pause_between_two_sentences_splits_them(speak: Speak) -> None:
    first, rate = speak("I need an appointment")
    second, _ = speak("for my daughter please")
    gap = np.zeros(rate * 2, dtype=np.int16)
    assert len(feed(resample(np.concatenate([first, gap, second]), rate, RATE))) == 2


def test_silence_key_tones_hiss_and_music_are_not_speech() -> None:
    rng = np.random.default_rng(7)
    silence = np.zeros(RATE * 3, dtype=np.int16)
    # DTMF "1", "5", "9": 200 ms tones with 100 ms gaps, as a caller pressing keys.
    gap = np.zeros(RATE // 10, dtype=np.int16)
    dtmf = np.concatenate([part for pair in ([697, 1209], [770, 1336], [852, 1477])
                           for part in (tone(pair, 0.2), gap)])
    hiss = rng.normal(0, 300, RATE * 3).astype(np.int16)
    # Breathing: bursts of low, slowly swelling noise.
    envelope = (np.sin(np.linspace(0, 6 * np.pi, RATE * 3)) ** 2)
    breathing = (rng.normal(0, 600, RATE * 3) * envelope).astype(np.int16)
    # Hold music: a sequence of sustained chords.
    music = np.concatenate([tone([261.6, 329.6, 392.0], 0.5), tone([293.7, 370.0, 440.0], 0.5),
                            tone([329.6, 415.3, 493.9], 0.5), tone([349.2, 440.0, 523.3], 0.5)])
    for name, audio in [("silence", silence), ("dtmf", dtmf), ("hiss", hiss),
                        ("breathing", breathing), ("music", music)]:
        assert feed(audio) == [], name


def test_a_click_is_too_short_to_be_an_utterance() -> None:
    click = np.zeros(RATE, dtype=np.int16)
    click[RATE // 2:RATE // 2 + 80] = 20000
    assert feed(click) == []


def test_speech_longer_than_the_limit_is_cut(speak: Speak) -> None:
    samples, rate = speak("one two three four five six seven eight nine ten " * 3)
    audio = resample(samples, rate, RATE)
    endpointer = Endpointer(max_utterance_s=3.0)
    cut = endpointer.accept(audio)
    assert cut and all(u.size <= 3 * RATE + WINDOW for u in cut)
