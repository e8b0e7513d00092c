"""A `<Record>` made on the two-way stream: where speech starts and ends, what ends the
take (silence, the longest length), what is kept (silence trimmed), and how the recording
is named and found again (never outside RECORDINGS_DIR, never another host's)."""

from __future__ import annotations

import numpy as np
import pytest

from receptionist.config import Settings
from receptionist.messages.recordings import stream_recording_path, stream_recording_url
from receptionist.speech import vad
from receptionist.speech.audio import PHONE_RATE, read_wav, ulaw_encode
from receptionist.twilio.stream_recording import (
    LevelWindows,
    SileroWindows,
    SpeechWindows,
    Take,
    beep,
    seconds,
    wav_of,
)
from tests.conftest import Speak

SID = "RE" + "0123456789abcdef" * 2


def hiss(seconds_: float, level: float = 60.0) -> bytes:
    """A quiet phone line: low noise, as μ-law."""
    noise = np.random.default_rng(7).normal(0, level, int(PHONE_RATE * seconds_))
    return ulaw_encode(noise.astype(np.int16))


def detectors() -> list[SpeechWindows]:
    return [LevelWindows(), *([SileroWindows()] if vad.available() else [])]


def feed(take: Take, audio: bytes) -> None:
    for start in range(0, len(audio), 160):  # 20 ms frames, as Twilio sends them
        take.add(audio[start:start + 160])


@pytest.mark.parametrize("detector", detectors(), ids=lambda d: type(d).__name__)
def test_a_message_between_silences_is_trimmed_and_ends_after_the_timeout(
        detector: SpeechWindows, speak: Speak) -> None:
    samples, _ = speak("Hello, this is Jane, please call me back tomorrow morning.")
    words = ulaw_encode(samples)
    take = Take(detector, timeout_s=3, max_length_s=120)
    feed(take, hiss(2.0))
    assert take.speech_from is None and not take.done
    feed(take, words)
    assert take.speech_from is not None and not take.done
    feed(take, hiss(2.0))
    assert not take.done  # a pause is not the end
    feed(take, hiss(1.5))
    assert take.done
    kept = take.trimmed()
    # About the words, with a quarter second either side: not the 2 s before, nor after.
    assert abs(len(kept) - len(words)) < 0.9 * PHONE_RATE
    assert seconds(kept) == round(len(kept) / PHONE_RATE)


@pytest.mark.parametrize("detector", detectors(), ids=lambda d: type(d).__name__)
def test_only_a_quiet_line_is_no_recording(detector: SpeechWindows) -> None:
    take = Take(detector, timeout_s=2, max_length_s=120)
    feed(take, hiss(1.9))
    assert not take.done
    feed(take, hiss(0.2))
    assert take.done and take.trimmed() == b"" and seconds(b"") == 0


def test_the_longest_length_ends_it(speak: Speak) -> None:
    samples, _ = speak("one two three four five six seven eight nine ten eleven twelve")
    take = Take(LevelWindows(), timeout_s=5, max_length_s=2)
    feed(take, ulaw_encode(samples))
    assert take.done and len(take.audio) == 2 * PHONE_RATE


def test_the_recording_is_a_wav_like_twilios_and_the_beep_a_tone() -> None:
    samples, rate = read_wav(wav_of(hiss(1.0, level=3000)))
    assert rate == PHONE_RATE and len(samples) == PHONE_RATE
    assert len(beep()) == int(0.4 * PHONE_RATE)
    assert LevelWindows().speech(np.frombuffer(bytes(512), dtype=np.int16)) is False


def test_a_stream_recording_is_found_only_under_its_own_name(settings: Settings) -> None:
    url = stream_recording_url(settings, 7, SID)
    assert url.startswith(settings.public_base_url)
    assert stream_recording_path(settings, url) == settings.recordings_dir / "7" / f"{SID}.wav"
    for other in (url.replace("/7/", "/../7/"), url + ".wav", url.replace(SID, "RE../../x"),
                  "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/" + SID,
                  "https://evil.example.com/twilio/stream-recordings/7/" + SID, ""):
        assert stream_recording_path(settings, other) is None
    with pytest.raises(ValueError):
        stream_recording_url(settings, 7, "../../etc/passwd")
