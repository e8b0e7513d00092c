"""Barge-in on the caller's voice (the stream transport): a prompt at a `<Gather>` stops
as soon as the caller has spoken over it for `ONSET_WINDOWS` windows of speech in a row
(about 130 ms), before anything is recognised; if what they said answers nothing (a
"mm-hm", "yeah", a cough, words about something else), the prompt goes on from the
sentence it was cut in once they have been quiet `RESUME_S`.

Why not wait for the words: recognition ends 600 ms after the caller stops, so a
caller who starts answering would talk over the prompt for a second or more. Why not
ignore short sounds: "mm-hm" is as long as the start of "yes please"; the prompt is
paused for both, and only the answer stops it for good.

Speech is Silero VAD's (`stream_recording.SileroWindows`); without it there is no
barge-in on the voice (the line's level takes hiss and breathing for speech), only on an
answer or a key.
"""

from __future__ import annotations

from dataclasses import dataclass

from receptionist.speech import vad
from receptionist.speech.audio import PHONE_RATE, ulaw_decode
from receptionist.twilio.stream_recording import SileroWindows, SpeechWindows

ONSET_WINDOWS = 4  # 32 ms windows of speech in a row: 128 ms
RESUME_S = 1.0  # quiet after the caller's last speech before an unanswered prompt goes on


def detector() -> SpeechWindows | None:
    """Silero's windows (loads its model: call it off the event loop), or None."""
    return SileroWindows() if vad.available() else None


@dataclass
class Onset:
    """Where the caller's voice starts and stops on a live stream, window by window."""

    windows: SpeechWindows
    run: int = 0  # windows of speech in a row
    quiet: int = 0  # samples since the last window of speech
    fired: bool = False
    _pending: bytes = b""

    def add(self, ulaw: bytes) -> bool:
        """More of the caller's audio; True the moment their speech starts (once, until
        `reset`)."""
        started = False
        data = self._pending + ulaw
        size = self.windows.window
        whole = len(data) - len(data) % size
        self._pending = data[whole:]
        for start in range(0, whole, size):
            if self.windows.speech(ulaw_decode(data[start:start + size])):
                self.run += 1
                self.quiet = 0
                if self.run >= ONSET_WINDOWS and not self.fired:
                    self.fired = started = True
            else:
                self.run = 0
                self.quiet += size
        return started

    @property
    def quiet_s(self) -> float:
        return self.quiet / PHONE_RATE

    def quiet_for(self, seconds: float) -> bool:
        """No speech in the last `seconds` of audio fed (to a window: the audio not yet
        filling one is counted as quiet)."""
        return self.quiet + self.windows.window > seconds * PHONE_RATE

    def reset(self) -> None:
        self.run, self.quiet, self.fired = 0, 0, False
