"""Each engine renders real audio from the voices `make` installs: speech-length,
non-silent, at the engine's sample rate."""

from __future__ import annotations

import numpy as np
import pytest

from receptionist.voice import catalog, speaking
from receptionist.voice.catalog import Voice

SENTENCES = {"en": "Thank you for calling. How can I help you today?",
             "fr": "Merci de votre appel. Comment puis-je vous aider ?"}
RATES = {"piper": 22050, "pico": 16000, "espeak": 22050}


def installed(spec: str) -> Voice:
    voices = {v.spec: v for v in catalog.installed()}
    assert spec in voices, f"{spec} is installed by make (pyproject's dependencies)"
    return voices[spec]


@pytest.mark.parametrize("spec", ["local:piper:en_US-joe-medium", "local:pico:en-US",
                                  "local:pico:en-GB", "local:pico:fr-FR",
                                  "local:espeak:en-us", "local:espeak:fr-fr"])
def test_each_bundled_voice_speaks(spec: str) -> None:
    voice = installed(spec)
    samples, rate = speaking.speak(voice, SENTENCES[voice.language[:2]])
    assert rate == RATES[voice.engine]
    seconds = samples.size / rate
    assert 1.5 < seconds < 8, seconds  # ten words, spoken
    loud = np.sqrt(np.mean(samples.astype(np.float64) ** 2))
    assert loud > 500  # not silence, not a click
    quiet = np.abs(samples[: rate // 100].astype(np.int32)).max()
    assert quiet < loud * 4  # starts as speech does, not with a burst


def test_chunks_come_sentence_by_sentence() -> None:
    text = "First sentence here. Second one follows. And a third."
    for spec in ("local:piper:en_US-joe-medium", "local:pico:en-US"):
        parts = list(speaking.chunks(installed(spec), text))
        assert len(parts) == 3 and all(part.size > 1000 for part in parts)


def test_piper_holds_its_lock_only_while_a_sentence_renders() -> None:
    """A stream takes one sentence, then sends it (or drops the rest when the caller
    answers): the other calls' voices must not wait for that."""
    from receptionist.voice import piper_engine

    voice = installed("local:piper:en_US-joe-medium")
    assert voice.files is not None
    first_call = piper_engine.sentences(voice.files, "First sentence here. Second one.")
    assert next(first_call).size > 1000
    assert not piper_engine._LOCK.locked()
    # Another call speaks in full meanwhile (before: it waited for the first call's
    # generator, forever on this same thread).
    assert piper_engine.synthesize(voice.files, "Another call.").size > 1000
    assert next(first_call).size > 1000
    assert next(first_call, None) is None


def test_split_sentences() -> None:
    assert speaking.split_sentences("Hello. How are you? Fine! ") == [
        "Hello.", "How are you?", "Fine!"]
    assert speaking.split_sentences("9.30 is fine") == ["9.30 is fine"]
