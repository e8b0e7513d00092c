"""bench.barge_in's own logic: where a clip's speech starts, the coughs it makes, and a
clip heard the way the stream hears it (the onset detector and whisper tiny.en)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.barge_in import LEAD_S, burst, hear, menu, speech_start
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


def test_a_backchannel_pauses_the_prompt_and_it_goes_on_once_read(speak: Speak) -> None:
    from receptionist.speech.engines import whisper_models
    from receptionist.speech.engines.whisper_engine import WhisperRecognizer

    recognizer = WhisperRecognizer(whisper_models.found(Path("/nonexistent")))  # tiny.en
    samples, _ = speak("okay")
    heard = hear(samples, 0, menu("en"), "en", recognizer)
    assert heard.paused is not None and heard.resumed is not None and heard.cpu >= 0
    assert heard.resumed_before is not None and heard.answered is None
    # Read as answering nothing: sooner than a second of quiet after it, on the stream's
    # clock (the recognizer's own time, this machine's, aside).
    assert LEAD_S < heard.paused < heard.resumed - heard.reading < heard.resumed_before
    assert hear(burst(120, seed=2), 0, menu("en"), "en", recognizer).paused is None
