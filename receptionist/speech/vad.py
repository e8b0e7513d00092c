"""When a caller speaks and when they stop: Silero VAD (the ONNX model that faster-whisper
ships), run window by window on a live stream.

A fixed timer cuts callers off mid-sentence or keeps them waiting; an energy threshold
takes line hiss, breathing or hold music for speech. Silero gives a speech probability
per 32 ms window; `Endpointer` turns those into utterances:

- speech starts after `START_WINDOWS` windows in a row above `threshold`;
- it ends after `end_silence_ms` of windows below `threshold - 0.15` (a pause between
  words does not end it);
- an utterance with less than `min_speech_ms` of speech in it (a cough, a click, a key
  tone's edge) is dropped, and one longer than `max_utterance_s` is cut there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

RATE = 16000
WINDOW = 512  # samples at 16 kHz: 32 ms
CONTEXT = 64  # samples of the previous window the model sees
START_WINDOWS = 2
PAD_WINDOWS = 6  # ~190 ms kept before the speech started (a soft first consonant)


def model_path() -> Path:
    import faster_whisper

    return Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx"


@functools.lru_cache(maxsize=1)
def _session() -> Any:
    """One ONNX session per process (single-threaded: the recognition processes are the
    unit of parallelism)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(str(model_path()), sess_options=options,
                                        providers=["CPUExecutionProvider"])


def available() -> bool:
    try:
        return model_path().is_file()
    except ImportError:
        return False


class SpeechProbability:
    """Silero's recurrent state for one stream: `window` returns P(speech)."""

    def __init__(self) -> None:
        self._session = _session()
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def window(self, samples: npt.NDArray[np.float32]) -> float:
        """P(speech) of one WINDOW of float samples in [-1, 1]."""
        batch = np.concatenate([self._context, samples])[None, :]
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c})
        self._context = samples[-CONTEXT:]
        return float(out.reshape(-1)[0])


@dataclass
class Endpointer:
    """Cuts a live 16 kHz stream into utterances (see the module docstring)."""

    threshold: float = 0.5
    end_silence_ms: int = 600
    min_speech_ms: int = 250
    max_utterance_s: float = 15.0
    _probability: SpeechProbability = field(default_factory=SpeechProbability)
    _pending: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros(0, dtype=np.float32))
    _before: list[npt.NDArray[np.float32]] = field(default_factory=list)
    _speech: list[npt.NDArray[np.float32]] = field(default_factory=list)
    _rising: int = 0
    _silent: int = 0
    _voiced: int = 0
    in_speech: bool = False

    def accept(self, samples: npt.NDArray[np.int16]) -> list[npt.NDArray[np.float32]]:
        """Feed 16-bit samples; returns the utterances (float32) that ended in them."""
        self._pending = np.concatenate(
            [self._pending, samples.astype(np.float32) / 32768.0])
        ended: list[npt.NDArray[np.float32]] = []
        while self._pending.size >= WINDOW:
            window, self._pending = self._pending[:WINDOW], self._pending[WINDOW:]
            utterance = self._step(window, self._probability.window(window))
            if utterance is not None:
                ended.append(utterance)
        return ended

    def finish(self) -> npt.NDArray[np.float32] | None:
        """End of audio: the utterance in progress, if it holds enough speech."""
        return self._close() if self.in_speech else None

    def so_far(self) -> npt.NDArray[np.float32] | None:
        """The utterance in progress as it would end now (None: none in progress, or too
        little speech in it to be kept), without ending it: a speculative read."""
        if not self.in_speech or self._voiced * WINDOW * 1000 // RATE < self.min_speech_ms:
            return None
        return np.concatenate(self._speech)

    def _step(self, window: npt.NDArray[np.float32], p: float
              ) -> npt.NDArray[np.float32] | None:
        if not self.in_speech:
            self._before = [*self._before[-PAD_WINDOWS:], window]
            self._rising = self._rising + 1 if p >= self.threshold else 0
            if self._rising >= START_WINDOWS:
                self.in_speech = True
                self._speech, self._before = list(self._before), []
                self._voiced, self._silent = self._rising, 0
            return None
        self._speech.append(window)
        if p < self.threshold - 0.15:
            self._silent += 1
        else:
            self._silent = 0
            if p >= self.threshold:
                self._voiced += 1
        ms = WINDOW * 1000 // RATE
        if self._silent * ms >= self.end_silence_ms or (
                len(self._speech) * WINDOW >= self.max_utterance_s * RATE):
            return self._close()
        return None

    def _close(self) -> npt.NDArray[np.float32] | None:
        speech, voiced = self._speech, self._voiced
        self._speech, self._rising, self._silent, self._voiced = [], 0, 0, 0
        self.in_speech = False
        if voiced * WINDOW * 1000 // RATE < self.min_speech_ms:
            return None
        return np.concatenate(speech)
