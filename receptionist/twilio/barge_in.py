"""Barge-in on the caller's voice (the stream transport): a prompt at a `<Gather>` stops
as soon as the caller has spoken over it for `ONSET_WINDOWS` windows of speech in a row
(about 130 ms), before anything is recognised. A window of speech is one Silero gives
at least `GOING_ON` (its own hysteresis: speech goes on below where it starts), with
`SURE_WINDOWS` of the run at its threshold, so a soft first syllable counts. If what
they said answers nothing (a "mm-hm", "yeah", a cough, words about something else), the
prompt goes on (`Pause`) from a gap between words at or just before where it was cut
(`playhead`), as soon as that is known:
- once they have been quiet `READ_AFTER_S`, the recognizer reads the utterance so far
  without ending it (`Hearing.answers_so_far`); if it answers nothing, the prompt goes on;
- if it may answer ("yes" at a yes/no question), the prompt stays paused until the end
  of the utterance decides (an answer is carried out, never talked over by the prompt it
  answers); it goes on at the latest after `HOLD_S` of quiet;
- the end of the utterance answering nothing (the recognizer's end of turn) lets it go
  on too; with nothing to read the words (no recognizer, an engine that cannot read an
  utterance in progress) it goes on after `RESUME_S` of quiet.

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
from typing import Protocol

import numpy as np
import numpy.typing as npt

from receptionist.speech import vad
from receptionist.speech.audio import PHONE_RATE, ulaw_decode
from receptionist.twilio.stream_recording import SileroWindows

ONSET_WINDOWS = 4  # 32 ms windows of speech in a row: 128 ms
# Silero's P(speech) for a window that goes on with speech (its VADIterator's hysteresis,
# threshold - 0.15), and how many of the run must reach the threshold itself. Measured on
# bench/barge_in.py's clips: p95 from 320 ms to 240 ms, no more coughs or clicks taken.
GOING_ON = 0.35
SURE_WINDOWS = 2
# Quiet after the caller's voice (the gap between two words is shorter, the recognizer's
# end of turn 600 ms) before what they said so far is read.
READ_AFTER_S = 0.25
RESUME_S = 1.0  # quiet before a prompt goes on when nothing can read the caller's words
HOLD_S = 3.0  # …when their words may answer: the end of the utterance decides before this


class Likelihoods(Protocol):
    """P(speech) window by window (`stream_recording.SileroWindows`)."""

    window: int  # samples at 8 kHz per window
    threshold: float  # where speech starts

    def likelihood(self, samples: npt.NDArray[np.int16]) -> float: ...


def detector() -> SileroWindows | None:
    """Silero's windows (loads its model: call it off the event loop), or None."""
    return SileroWindows() if vad.available() else None


@dataclass
class Onset:
    """Where the caller's voice starts and stops on a live stream, window by window."""

    windows: Likelihoods
    run: int = 0  # windows of speech in a row
    sure: int = 0  # of them, at Silero's threshold
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
            likelihood = self.windows.likelihood(ulaw_decode(data[start:start + size]))
            if likelihood >= GOING_ON:
                self.run += 1
                self.sure += likelihood >= self.windows.threshold
                self.quiet = 0
                if self.run >= ONSET_WINDOWS and self.sure >= SURE_WINDOWS and not self.fired:
                    self.fired = started = True
            else:
                self.run = self.sure = 0
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
        self.run, self.sure, self.quiet, self.fired = 0, 0, 0, False


@dataclass
class Pause:
    """A prompt paused by the caller's voice, until it goes on (see the module docstring).
    Quiet is counted on the stream's clock (`Onset.quiet_s`); `hears`: a recognizer hears
    the call, so what the caller says may be read."""

    hears: bool
    quiet_s: float = 0.0  # at the last look
    reads: int = 0  # reads of the words so far asked
    answers: bool | None = None  # what the last one said (None: not known)
    waiting: bool = False  # a read was asked, its answer not back yet

    def heard(self, quiet_s: float) -> None:
        """The caller's quiet so far; their voice again forgets what was read."""
        if quiet_s < self.quiet_s:
            self.answers, self.waiting = None, False
            self.reads += 1  # a read in flight was of words now stale
        self.quiet_s = quiet_s

    def read_now(self) -> int | None:
        """The number of a read of the caller's words to ask for now (once per stretch of
        quiet), or None."""
        if not self.hears or self.waiting or self.answers is not None or (
                self.quiet_s < READ_AFTER_S):
            return None
        self.reads += 1
        self.waiting = True
        return self.reads

    def read(self, number: int, answers: bool | None) -> None:
        """What read `number` found (None: the engine cannot tell)."""
        if number == self.reads and self.waiting:
            self.waiting = False
            self.answers = answers
            self.hears = answers is not None  # cannot tell: quiet decides (`RESUME_S`)

    def ended_unanswered(self, quiet_s: float) -> None:
        """The recognizer's end of an utterance: it answered nothing. Taken for the words
        that paused the prompt only if the caller is quiet now (its end comes after 600
        ms of quiet: one heard while they speak is of words before these)."""
        self.heard(quiet_s)
        if quiet_s >= READ_AFTER_S:
            self.answers, self.waiting = False, False

    def goes_on(self) -> bool:
        if self.answers is False:
            return self.quiet_s >= READ_AFTER_S
        if self.answers or self.waiting:
            return self.quiet_s >= HOLD_S
        return self.quiet_s >= (HOLD_S if self.hears else RESUME_S)
