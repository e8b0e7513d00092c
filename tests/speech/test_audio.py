from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from receptionist.speech.audio import (
    ULAW_TO_LINEAR,
    AudioError,
    read_wav,
    resample,
    to_wav,
    ulaw_decode,
    ulaw_encode,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # CPython's G.711 reference (removed in 3.13, present in 3.11)


def test_ulaw_decode_matches_the_g711_table() -> None:
    reference = np.frombuffer(audioop.ulaw2lin(bytes(range(256)), 2), dtype="<i2")
    assert np.array_equal(ULAW_TO_LINEAR, reference)
    # A few code words from ITU-T G.711 table 2b.
    assert [int(ULAW_TO_LINEAR[c]) for c in (0x00, 0x80, 0x7F, 0xFF, 0x0F, 0x8F)] == [
        -32124, 32124, 0, 0, -16764, 16764]


def test_ulaw_encode_is_bit_exact_for_every_sample() -> None:
    every = np.arange(-32768, 32768, dtype=np.int32).astype(np.int16)
    reference = audioop.lin2ulaw(every.astype("<i2").tobytes(), 2)
    assert ulaw_encode(every) == reference


def test_ulaw_round_trip_is_within_quantization() -> None:
    tone = (10000 * np.sin(np.arange(800) / 5)).astype(np.int16)
    back = ulaw_decode(ulaw_encode(tone))
    assert np.max(np.abs(back.astype(int) - tone)) <= 10000 // 16 + 8


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    return float(np.argmax(spectrum) * rate / samples.size)


@pytest.mark.parametrize(("src", "dst"), [(8000, 16000), (22050, 16000), (44100, 8000),
                                          (16000, 16000)])
def test_resample_keeps_duration_and_pitch(src: int, dst: int) -> None:
    tone = (8000 * np.sin(2 * math.pi * 440 * np.arange(src) / src)).astype(np.int16)
    out = resample(tone, src, dst)
    assert out.dtype == np.int16
    assert out.size == dst
    assert abs(dominant_hz(out, dst) - 440) < 3


def test_resample_rejects_bad_rates() -> None:
    with pytest.raises(AudioError):
        resample(np.zeros(10, dtype=np.int16), 0, 8000)


def test_read_wav_formats() -> None:
    mono = np.array([0, 1000, -1000, 32767], dtype=np.int16)
    samples, rate = read_wav(to_wav(mono, 16000))
    assert rate == 16000 and np.array_equal(samples, mono)
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as handle:  # stereo 8-bit
        handle.setnchannels(2)
        handle.setsampwidth(1)
        handle.setframerate(8000)
        handle.writeframes(bytes([128, 128, 255, 255]))
    samples, rate = read_wav(out.getvalue())
    assert rate == 8000 and samples.tolist() == [0, 127 << 8]


def test_read_wav_rejects_junk() -> None:
    with pytest.raises(AudioError, match="not a PCM WAV"):
        read_wav(b"not audio at all")
    with pytest.raises(AudioError):
        read_wav(b"")
