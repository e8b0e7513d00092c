"""The recognizer protocol every speech engine implements, and whole-file recognition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from receptionist.speech.audio import Samples, resample


@dataclass(frozen=True)
class Recognition:
    transcript: str
    confidence: float  # the engine's own estimate, 0..1


class ModelUnavailable(RuntimeError):
    """No speech model is installed for a language: the flow falls back to the keypad."""


class UtteranceStream(Protocol):
    """One caller's audio, fed as it arrives; each finished utterance comes back once."""

    def accept(self, samples: Samples) -> Recognition | None:
        """Feed 16-bit samples at the recognizer's rate; returns an utterance that ended."""

    def finish(self) -> Recognition | None:
        """End of audio: the last utterance, if one was in progress."""


class Recognizer(Protocol):
    name: str
    sample_rate: int

    def supports(self, language: str) -> bool: ...

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> UtteranceStream:
        """A stream restricted to `phrases` (grammar mode, plus an unknown-word catch-all),
        or the full vocabulary when `phrases` is None. Raises ModelUnavailable."""


def recognize(recognizer: Recognizer, samples: Samples, rate: int, *, language: str,
              phrases: Sequence[str] | None) -> Recognition:
    """Recognise a whole recording (any rate): utterances joined, confidence averaged."""
    stream = recognizer.stream(language=language, phrases=phrases)
    audio = resample(samples, rate, recognizer.sample_rate)
    # Trailing silence lets the engine's endpointer close the last utterance naturally.
    audio = np.concatenate([audio, np.zeros(recognizer.sample_rate // 2, dtype=np.int16)])
    chunk = recognizer.sample_rate // 50  # 20 ms, as a live stream would deliver it
    results = [r for i in range(0, audio.size, chunk)
               if (r := stream.accept(audio[i:i + chunk])) is not None]
    last = stream.finish()
    if last is not None:
        results.append(last)
    results = [r for r in results if r.transcript]
    if not results:
        return Recognition("", 0.0)
    return Recognition(" ".join(r.transcript for r in results),
                       sum(r.confidence for r in results) / len(results))
