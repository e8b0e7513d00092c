"""Twilio media-stream framing: the caller's audio as Twilio streams it.

Twilio media streams carry 8 kHz μ-law (`speech.audio.PHONE_RATE`, `ulaw_encode`) in
20 ms frames of 160 bytes. The simulator (`tests/twilio_sim.py`) and the benches stream
audio this way; the codec itself is neutral and stays in `speech/audio.py`.
"""

from __future__ import annotations

from receptionist.speech.audio import PHONE_RATE, Samples, resample, ulaw_encode

FRAME_MS = 20
FRAME_BYTES = PHONE_RATE * FRAME_MS // 1000  # 160 μ-law bytes
ULAW_SILENCE = b"\xff"


def stream_frames(samples: Samples, rate: int) -> list[bytes]:
    """Audio as Twilio streams it: 8 kHz μ-law, 20 ms (160-byte) frames, the last padded
    with μ-law silence (0xFF)."""
    encoded = ulaw_encode(resample(samples, rate, PHONE_RATE))
    frames = [encoded[i:i + FRAME_BYTES] for i in range(0, len(encoded), FRAME_BYTES)]
    if frames and len(frames[-1]) < FRAME_BYTES:
        frames[-1] = frames[-1].ljust(FRAME_BYTES, ULAW_SILENCE)
    return frames
