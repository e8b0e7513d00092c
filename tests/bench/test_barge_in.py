"""bench.barge_in's own logic: where a clip's speech starts, the coughs it makes, and a
clip heard the way the stream hears it."""

from __future__ import annotations

import numpy as np

from bench.barge_in import LEAD_S, burst, hear, speech_start
from receptionist.speech.audio import PHONE_RATE
from tests.conftest import Speak


def test_speech_starts_at_the_first_loud_10_ms() -> None:
    samples = np.zeros(PHONE_RATE, dtype=np.int16)
    samples[4000:] = 3000
    assert speech_start(samples, PHONE_RATE) == 0.5
    assert speech_start(np.zeros(800, dtype=np.int16), PHONE_RATE) == 0.0


def test_a_cough_is_a_short_loud_burst() -> None:
    cough = burst(250, seed=1)
    assert len(cough) == 2000 and np.abs(cough).max() > 3000
    assert np.abs(cough[-100:]).mean() < np.abs(cough[200:400]).mean()


def test_words_pause_the_prompt_and_silence_lets_it_go_on(speak: Speak) -> None:
    samples, _ = speak("mm-hm, okay")
    paused, resumed, cpu = hear(samples, seed=0)
    assert paused is not None and resumed is not None and cpu >= 0
    assert LEAD_S < paused < resumed
    assert hear(burst(120, seed=2), seed=0)[0] is None
