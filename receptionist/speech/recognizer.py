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
    # An utterance ended but was not decoded: the recognition process was too far behind
    # (see recognition_process.BEHIND_S); the caller is asked to use the keypad.
    skipped: bool = False


class ModelUnavailable(RuntimeError):
    """No speech model is installed for a language: the flow falls back to the keypad."""


class UtteranceStream(Protocol):
    """One caller's audio, fed as it arrives; each finished utterance comes back once.
    An engine may also offer `partial() -> str` (the utterance so far, every batch) and
    `peek() -> Recognition` (the utterance in progress decoded without ending it, "" when
    none: barge-in's read, `recognition_process`)."""

    def accept(self, samples: Samples, *, decode: bool = True) -> Recognition | None:
        """Feed 16-bit samples at the recognizer's rate; returns an utterance that ended.
        `decode=False`: the process is behind; an engine whose decoding is costly
        (whisper) returns an utterance that ends as `skipped` instead of decoding it."""

    def finish(self) -> Recognition | None:
        """End of audio: the last utterance, if one was in progress."""


class Recognizer(Protocol):
    name: str
    sample_rate: int

    def supports(self, language: str) -> bool: ...

    def prewarm(self, languages: Sequence[str]) -> None:
        """Load what the first calls in these languages would otherwise wait for."""

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> UtteranceStream:
        """A stream restricted to `phrases` (grammar mode, plus an unknown-word catch-all),
        or the full vocabulary when `phrases` is None. Raises ModelUnavailable."""

    def recognize_whole(self, audio: Samples, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        """A complete recording at `sample_rate` (messages, `route --audio`), which lets an
        engine normalise over all of it instead of adapting as it goes."""


def recognize(recognizer: Recognizer, samples: Samples, rate: int, *, language: str,
              phrases: Sequence[str] | None) -> Recognition:
    """Recognise a whole recording of any sample rate."""
    return recognizer.recognize_whole(resample(samples, rate, recognizer.sample_rate),
                                      language=language, phrases=phrases)


def recognize_by_streaming(stream: UtteranceStream, audio: Samples,
                           sample_rate: int) -> Recognition:
    """Feed a recording through a live stream in 20 ms chunks, as a call would: utterances
    joined, confidence averaged."""
    # Trailing silence lets the engine's endpointer close the last utterance naturally.
    audio = np.concatenate([audio, np.zeros(sample_rate // 2, dtype=np.int16)])
    chunk = sample_rate // 50
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
