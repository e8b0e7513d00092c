"""Audio plumbing: G.711 μ-law (what telephone audio is), resampling, WAV files.

Phone calls carry 8 kHz μ-law; recognizers want 16-bit PCM at their model's rate (16 kHz
for Vosk small models and pocketsphinx). How a provider frames it on the wire is its
adapter's business (`twilio/frames.py`).
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

PHONE_RATE = 8000  # telephone audio (G.711 μ-law), what providers stream and play

_BIAS = 0x84
_CLIP = 32635  # 8159 in 14-bit terms

Samples = npt.NDArray[np.int16]


class AudioError(ValueError):
    """Audio we cannot read (with the reason, for the caller or operator)."""


def _build_decode_table() -> Samples:
    """ITU-T G.711 μ-law expansion of the 256 code words."""
    table = np.zeros(256, dtype=np.int16)
    for code in range(256):
        u = ~code & 0xFF
        exponent = (u >> 4) & 0x07
        magnitude = (((u & 0x0F) << 3) + _BIAS) << exponent
        table[code] = -(magnitude - _BIAS) if u & 0x80 else magnitude - _BIAS
    return table


ULAW_TO_LINEAR: Samples = _build_decode_table()


def ulaw_decode(data: bytes) -> Samples:
    return ULAW_TO_LINEAR[np.frombuffer(data, dtype=np.uint8)]


_SEGMENT_ENDS = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])


def ulaw_encode(samples: Samples) -> bytes:
    """ITU-T G.711 μ-law compression, as the CCITT reference code does it (on 14-bit
    magnitudes), so that it matches other implementations bit for bit."""
    value = samples.astype(np.int32) >> 2
    mask = np.where(value < 0, 0x7F, 0xFF)
    value = np.minimum(np.abs(value), _CLIP >> 2) + (_BIAS >> 2)
    segment = np.searchsorted(_SEGMENT_ENDS, value, side="left")
    code = (segment << 4) | ((value >> (np.minimum(segment, 7) + 1)) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code) ^ mask
    return code.astype(np.uint8).tobytes()


def resample(samples: Samples, src_rate: int, dst_rate: int) -> Samples:
    """Linear-interpolation resampling, with a moving-average low-pass when going down so
    that speech energy above the new Nyquist frequency does not alias into the band."""
    if src_rate <= 0 or dst_rate <= 0:
        raise AudioError(f"invalid sample rates {src_rate} -> {dst_rate}")
    if src_rate == dst_rate or samples.size == 0:
        return samples.copy()
    x = samples.astype(np.float64)
    if dst_rate < src_rate:
        width = int(np.ceil(src_rate / dst_rate))
        if width > 1:
            x = np.convolve(x, np.ones(width) / width, mode="same")
    count = max(round(samples.size * dst_rate / src_rate), 1)
    positions = np.arange(count) * (src_rate / dst_rate)
    out = np.interp(positions, np.arange(samples.size), x)
    result: Samples = np.clip(np.round(out), -32768, 32767).astype(np.int16)
    return result


def read_wav(source: Path | bytes) -> tuple[Samples, int]:
    """Mono 16-bit samples and the rate of a PCM WAV (8/16/24/32-bit, any channel count)."""
    try:
        with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"not a PCM WAV file ({exc or 'truncated'})") from None
    except OSError as exc:
        raise AudioError(f"cannot read audio: {exc}") from None
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.int32)
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        data = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8) >> 16
    elif width == 4:
        data = (np.frombuffer(raw, dtype="<i4") >> 16).astype(np.int32)
    else:
        raise AudioError(f"unsupported sample width {width}")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int32)
    return data.astype(np.int16), rate


def to_wav(samples: Samples, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.astype("<i2").tobytes())
    return out.getvalue()
