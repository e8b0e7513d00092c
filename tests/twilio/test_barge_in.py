"""Barge-in on the caller's voice: the prompt pauses a little over 100 ms into their
speech, never for line hiss or a click, and it knows when they have been quiet long
enough for the prompt to go on."""

from __future__ import annotations

import numpy as np

from receptionist.speech.audio import PHONE_RATE, ulaw_encode
from receptionist.twilio import barge_in
from tests.conftest import Speak


def line(seconds: float, level: float = 40.0, seed: int = 3) -> bytes:
    noise = np.random.default_rng(seed).normal(0, level, int(PHONE_RATE * seconds))
    return ulaw_encode(noise.astype(np.int16))


def onset() -> barge_in.Onset:
    windows = barge_in.detector()
    assert windows is not None, "Silero VAD comes with faster-whisper (`make deps`)"
    return barge_in.Onset(windows)


def fired_at(detector: barge_in.Onset, audio: bytes) -> float | None:
    """Seconds into `audio` (all fed, in 20 ms frames) when speech started, if it did."""
    found = None
    for index in range(0, len(audio), 160):
        if detector.add(audio[index:index + 160]) and found is None:
            found = (index + 160) / PHONE_RATE
    return found


def test_speech_over_a_prompt_is_noticed_within_a_quarter_second(speak: Speak) -> None:
    samples, _ = speak("I would like to book an appointment")
    voiced = np.flatnonzero(np.abs(samples) > 328)  # -40 dBFS: where the voice starts
    start = 1.0 + voiced[0] / PHONE_RATE
    detector = onset()
    at = fired_at(detector, line(1.0) + ulaw_encode(samples) + line(1.5))
    assert at is not None and 0.1 <= at - start < 0.25
    assert detector.fired and not detector.add(line(0.5))  # once, until reset
    assert detector.quiet_s >= barge_in.RESUME_S  # quiet again: the prompt may go on
    detector.reset()
    assert not detector.fired and detector.quiet_s == 0


def test_hiss_and_clicks_do_not_stop_a_prompt() -> None:
    detector = onset()
    click = np.zeros(PHONE_RATE // 2, dtype=np.int16)
    click[100:160] = 20000  # a key's edge, a bump on the handset
    audio = line(2.0) + ulaw_encode(click) + line(2.0, level=200)
    assert fired_at(detector, audio) is None


class Scripted:
    """Silero's likelihoods, one per window, in a given order."""

    window = 256
    threshold = 0.5

    def __init__(self, likelihoods: list[float]) -> None:
        self.likelihoods = iter(likelihoods)

    def likelihood(self, samples: object) -> float:
        return next(self.likelihoods)


def windows_to_onset(likelihoods: list[float]) -> int | None:
    """After how many windows speech is said to start."""
    detector = barge_in.Onset(Scripted(likelihoods))
    for index in range(len(likelihoods)):
        if detector.add(bytes(256)):
            return index + 1
    return None


def test_a_soft_start_counts_once_the_voice_is_sure() -> None:
    assert windows_to_onset([0.9, 0.9, 0.9, 0.9]) == 4
    # A soft first syllable under the threshold, then sure speech: from the first window.
    assert windows_to_onset([0.4, 0.4, 0.8, 0.8, 0.8]) == 4
    # Never sure twice: a breath, a rustle.
    assert windows_to_onset([0.4, 0.45, 0.6, 0.4, 0.4, 0.4, 0.4]) is None
    # A window under the hysteresis starts the run again.
    assert windows_to_onset([0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0.9]) == 8
    assert windows_to_onset([0.3, 0.3, 0.3, 0.3, 0.3]) is None


def test_quiet_is_counted_to_a_window() -> None:
    detector = onset()
    detector.add(line(2.0))
    # 2 s fed: quiet for 2 s to the window (the last part-window counts as quiet).
    assert detector.quiet_for(2) and not detector.quiet_for(3)
