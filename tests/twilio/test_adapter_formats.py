"""Twilio's formats, known only to the adapter: media-stream frames, recording URLs,
STIR/SHAKEN verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from receptionist.twilio.forms import attestation
from receptionist.twilio.frames import FRAME_BYTES, stream_frames
from receptionist.twilio.recording_urls import media_url


def test_stream_frames_are_20ms_of_ulaw() -> None:
    half_second = np.zeros(8000, dtype=np.int16)  # 0.5 s at 16 kHz
    frames = stream_frames(half_second, 16000)
    assert len(frames) == 25
    assert all(len(f) == FRAME_BYTES == 160 for f in frames)
    odd = stream_frames(np.zeros(170, dtype=np.int16), 8000)
    assert len(odd) == 2 and odd[1].endswith(b"\xff" * 150)


def test_media_url() -> None:
    assert media_url("https://api.twilio.com/x/Recordings/RE1") == (
        "https://api.twilio.com/x/Recordings/RE1.wav")
    assert media_url("https://api.twilio.com/x/Recordings/RE1.mp3") == (
        "https://api.twilio.com/x/Recordings/RE1.mp3")


@pytest.mark.parametrize(("verstat", "verdict"), [
    ("TN-Validation-Passed-A", "passed"), ("TN-Validation-Passed-C", "passed"),
    ("TN-Validation-Failed-B", "failed"), ("No-TN-Validation", "missing"), (None, "missing"),
    ("", "missing"), ("something-new", "missing"),
])
def test_twilio_verdicts(verstat: str | None, verdict: str) -> None:
    assert attestation(verstat) == verdict
