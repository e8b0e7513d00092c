"""The recordings `simulate` makes (dev mode): what a simulated caller says at a <Record>,
spoken by the local voice, kept where the dev stand-in for Twilio's REST API serves it
(`dev_twilio.py`) under the URL shape Twilio's recordings have, so the worker fetches,
transcribes and judges it as it would a real one.

Files are named by the recording's SID only (`RE` + 32 hex digits, checked on the way in
and out): no other name reaches the folder, whatever a request asks for.
"""

from __future__ import annotations

import math
import re
import struct
import tempfile
from pathlib import Path

import numpy as np

from receptionist.config import Settings
from receptionist.messages.recordings import write_atomically
from receptionist.speech.audio import PHONE_RATE, Samples, read_wav, to_wav, ulaw_decode
from receptionist.voice.catalog import LOCAL
from receptionist.voice.prompts import PromptCache

RECORDING_SID = re.compile(r"^RE[0-9a-f]{32}$")
_MULAW = 7


class NotARecordingSid(ValueError):
    pass


def folder(settings: Settings) -> Path:
    """Beside the fetched recordings (`RECORDINGS_DIR`), never inside it."""
    return settings.recordings_dir.parent / "simulated-recordings"


def _path(where: Path, recording_sid: str) -> Path:
    if not RECORDING_SID.fullmatch(recording_sid):
        raise NotARecordingSid(f"not a recording SID: {recording_sid[:80]!r}")
    return where / f"{recording_sid}.wav"


def keep(where: Path, recording_sid: str, wav: bytes) -> None:
    write_atomically(_path(where, recording_sid), wav)


def read(where: Path, recording_sid: str) -> bytes | None:
    """The WAV of a recording `keep` stored; None for anything else (an unknown or
    malformed SID, a file that is not a plain file)."""
    try:
        path = _path(where, recording_sid)
    except NotARecordingSid:
        return None
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def phone_samples(wav: bytes) -> tuple[Samples, int]:
    """Samples of a PCM or G.711 μ-law WAV (what the local voice renders for the phone)."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    position, fmt = 12, None
    while position + 8 <= len(wav):
        chunk, size = wav[position:position + 4], struct.unpack("<I", wav[position + 4:
                                                                            position + 8])[0]
        body = wav[position + 8:position + 8 + size]
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHI", body[:8])
        elif chunk == b"data" and fmt is not None and fmt[0] == _MULAW:
            return ulaw_decode(body), int(fmt[2])
        position += 8 + size + (size % 2)
    return read_wav(wav)


def spoken(words: str, language: str) -> bytes:
    """`words` said by the local voice for `language` over a phone line: a 16-bit PCM WAV
    at 8 kHz, as Twilio stores recordings. The voice is the prompts' own renderer, so the
    best local voice installed for the language speaks."""
    with tempfile.TemporaryDirectory(prefix="simulated-caller-") as scratch:
        rendered = PromptCache(Path(scratch), secret_key="simulated-caller").render(
            words, LOCAL, language)
        samples, rate = phone_samples(rendered.read_bytes())
    return to_wav(samples, rate)


def quiet(seconds: int) -> bytes:
    """`seconds` of a quiet line (faint noise, no words): a caller who said nothing."""
    rng = np.random.default_rng(seconds)
    samples = (rng.normal(0, 30, max(1, seconds) * PHONE_RATE)).astype(np.int16)
    return to_wav(samples, PHONE_RATE)


def seconds_of(wav: bytes) -> int:
    samples, rate = read_wav(wav)
    return max(1, math.ceil(samples.size / rate))
