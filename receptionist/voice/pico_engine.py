"""SVOX Pico voices (`py-nanotts`, Apache-2.0; the lingware ships in the wheel): small,
fast, rule-based, clearer than espeak-ng on a phone line. 16 kHz mono samples.

The C library keeps global state: every call holds `_LOCK`.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt

# The voices we offer (py-nanotts also has de-DE, es-ES, it-IT: no catalog for them yet).
VOICES = ("en-US", "en-GB", "fr-FR")
SAMPLE_RATE = 16000
_LOCK = threading.Lock()


def available() -> bool:
    try:
        import py_nanotts  # noqa: F401
    except ImportError:
        return False
    return True


def synthesize(voice: str, text: str) -> npt.NDArray[np.int16]:
    """Mono 16-bit samples at SAMPLE_RATE; ValueError for a voice we do not offer."""
    if voice not in VOICES:
        raise ValueError(f"SVOX Pico has no voice {voice!r}")
    from py_nanotts import NanoTTS
    with _LOCK:
        pcm = NanoTTS().speak(text, voice=voice)
    return np.frombuffer(pcm, dtype="<i2").astype(np.int16)
