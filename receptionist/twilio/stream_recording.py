"""A `<Record>` carried out on the two-way stream (the stream transport): the caller's
message, or their name at booking, recorded by this server from the stream's audio, so
that no recording is made or kept at Twilio.

It behaves as Twilio's `<Record>` documents it does: a beep (`playBeep`), then the
caller's audio until a key of `finishOnKey`, `timeout` seconds of silence, `maxLength`
seconds, or the caller hanging up; silence at both ends is trimmed (`trim-silence`), and
nothing but silence is no recording at all (Twilio then goes on with the next verb
without requesting the action).

Silence is told from speech by Silero VAD (`speech.vad`, the model faster-whisper ships)
when it is installed, else by the audio's level: line hiss is not speech for either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from receptionist.speech import vad
from receptionist.speech.audio import PHONE_RATE, resample, to_wav, ulaw_decode, ulaw_encode

# Kept around the speech when silence is trimmed (a soft first or last sound).
PAD_S = 0.25
# Two windows in a row of speech start it (a click is not speech), as the endpointer.
START_WINDOWS = vad.START_WINDOWS
# Below this level (dBFS of a 32 ms window) the line is silent, when Silero is missing.
SILENCE_DBFS = -40.0


def beep() -> bytes:
    """Twilio's beep before a recording: 0.4 s of 1 kHz, as 8 kHz μ-law."""
    t = np.arange(int(PHONE_RATE * 0.4)) / PHONE_RATE
    tone = 0.3 * np.sin(2 * math.pi * 1000 * t) * 32767
    return ulaw_encode(tone.astype(np.int16))


class SpeechWindows(Protocol):
    """Tells speech from silence in 8 kHz audio, window by window."""

    window: int  # samples at 8 kHz per decision

    def speech(self, samples: npt.NDArray[np.int16]) -> bool:
        """Whether one window holds speech."""
        ...


class SileroWindows:
    """Silero's P(speech) on each 32 ms window (resampled to 16 kHz, as it was trained)."""

    window = vad.WINDOW * PHONE_RATE // vad.RATE

    def __init__(self, threshold: float = 0.5) -> None:
        self.probability = vad.SpeechProbability()
        self.threshold = threshold

    def speech(self, samples: npt.NDArray[np.int16]) -> bool:
        return self.likelihood(samples) >= self.threshold

    def likelihood(self, samples: npt.NDArray[np.int16]) -> float:
        """P(speech) of one window."""
        wide = resample(samples, PHONE_RATE, vad.RATE).astype(np.float32) / 32768.0
        return self.probability.window(wide[:vad.WINDOW])


class LevelWindows:
    """The audio's level on each 32 ms window, when Silero is not installed."""

    window = 256

    def speech(self, samples: npt.NDArray[np.int16]) -> bool:
        power = float(np.mean(samples.astype(np.float64) ** 2)) / 32768.0 ** 2
        return power > 0 and 10 * math.log10(power) > SILENCE_DBFS


def speech_windows() -> SpeechWindows:
    """The best detector here (Silero loads its model: call it off the event loop)."""
    return SileroWindows() if vad.available() else LevelWindows()


@dataclass
class Take:
    """One recording in progress: the caller's μ-law audio, and where speech was in it."""

    detector: SpeechWindows
    timeout_s: int  # seconds of silence that end it
    max_length_s: int
    audio: bytearray = field(default_factory=bytearray)
    speech_from: int | None = None  # first sample of speech
    speech_to: int = 0  # the sample after the last window of speech
    _analysed: int = 0
    _rising: int = 0

    def add(self, ulaw: bytes) -> None:
        """More of the caller's audio (beyond `maxLength`, dropped)."""
        room = self.max_length_s * PHONE_RATE - len(self.audio)
        self.audio += ulaw[:max(0, room)]
        size = self.detector.window
        while len(self.audio) - self._analysed >= size:
            start = self._analysed
            samples = ulaw_decode(bytes(self.audio[start:start + size]))
            self._analysed += size
            if self.detector.speech(samples):
                self._rising += 1
                if self._rising >= START_WINDOWS:
                    if self.speech_from is None:
                        self.speech_from = start - (START_WINDOWS - 1) * size
                    self.speech_to = self._analysed
            else:
                self._rising = 0

    @property
    def done(self) -> bool:
        """`maxLength` reached, or `timeout` seconds of silence (since the last speech, or
        since the start when there was none)."""
        return (len(self.audio) >= self.max_length_s * PHONE_RATE
                or self._analysed - self.speech_to >= self.timeout_s * PHONE_RATE)

    def trimmed(self) -> bytes:
        """The recording, silence at both ends trimmed; b"" when nobody spoke."""
        if self.speech_from is None:
            return b""
        pad = int(PAD_S * PHONE_RATE)
        return bytes(self.audio[max(0, self.speech_from - pad):self.speech_to + pad])


def seconds(ulaw: bytes) -> int:
    """A recording's length as Twilio reports it (`RecordingDuration`: whole seconds)."""
    return max(1, round(len(ulaw) / PHONE_RATE)) if ulaw else 0


def wav_of(ulaw: bytes) -> bytes:
    """The recording as Twilio's are: a 16-bit mono WAV at 8 kHz."""
    return to_wav(ulaw_decode(ulaw), PHONE_RATE)
