"""One voice, any engine: text (already prepared for speech) -> 16-bit samples.

`chunks` yields the audio sentence by sentence, so a stream can play the first sentence
while the next is rendered: Piper splits sentences itself; Pico and espeak-ng render
whatever they are given at once, so the text is split into sentences here first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from receptionist.voice import espeak_lib, pico_engine, piper_engine
from receptionist.voice.catalog import Voice

Samples = npt.NDArray[np.int16]
ESPEAK_RATE_WPM = 150
# A sentence ends at . ! ? (or …) followed by a space and more text; "Dr. Martin" was
# already expanded by text_prep, so abbreviations rarely end a sentence early.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


def split_sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def sample_rate(voice: Voice) -> int:
    if voice.engine == "piper":
        assert voice.files is not None
        return piper_engine.sample_rate(voice.files)
    if voice.engine == "pico":
        return pico_engine.SAMPLE_RATE
    return espeak_lib.get().sample_rate


def _render(voice: Voice, text: str) -> Samples:
    if voice.engine == "pico":
        return pico_engine.synthesize(voice.name, text)
    if voice.engine == "espeak":
        return espeak_lib.get().synthesize(text, voice=voice.name, rate_wpm=ESPEAK_RATE_WPM)
    raise ValueError(f"no local engine {voice.engine!r}")


def chunks(voice: Voice, text: str) -> Iterator[Samples]:
    """The audio of `text`, a sentence at a time, at `sample_rate(voice)`."""
    if voice.engine == "piper":
        assert voice.files is not None
        yield from piper_engine.sentences(voice.files, text)
        return
    for sentence in split_sentences(text):
        yield _render(voice, sentence)


def speak(voice: Voice, text: str) -> tuple[Samples, int]:
    """All of `text`'s audio and its sample rate."""
    parts = list(chunks(voice, text)) if voice.engine == "piper" else [_render(voice, text)]
    audio = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return audio.astype(np.int16), sample_rate(voice)
