"""libespeak-ng through ctypes: voices by language or identifier, real samples out."""

from __future__ import annotations

import numpy as np
import pytest

from receptionist.voice import espeak_lib


def test_voices_by_language_identifier_and_variant() -> None:
    espeak = espeak_lib.get()
    assert espeak_lib.get() is espeak  # one handle per process
    assert espeak.voice_id("fr-fr") == espeak.voice_id("roa/fr") == "roa/fr"
    assert espeak.voice_id("fr-fr+f3") == "roa/fr+f3"
    assert espeak.voice_id("EN-US").lower() == "gmw/en-us"
    with pytest.raises(ValueError, match="no voice"):
        espeak.voice_id("xx-nowhere")


def test_synthesis_is_speech_of_the_length_of_the_text() -> None:
    espeak = espeak_lib.get()
    short = espeak.synthesize("Hello.", voice="en-us", rate_wpm=150)
    longer = espeak.synthesize("Hello, you have reached the practice of doctor Martin.",
                               voice="en-us", rate_wpm=150)
    assert short.dtype == np.int16 and espeak.sample_rate == 22050
    assert 0.2 < len(short) / espeak.sample_rate < len(longer) / espeak.sample_rate < 6
    assert np.abs(longer).max() > 1000  # not silence
    slow = espeak.synthesize("Hello, you have reached the practice of doctor Martin.",
                             voice="en-us", rate_wpm=80)
    assert len(slow) > 1.5 * len(longer)  # the rate is applied to this very rendering
