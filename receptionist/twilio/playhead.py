"""Where Twilio is in playing our voice on a two-way stream, and where a paused prompt
goes on from (barge-in, `conversation`).

Twilio plays what we send in order, in real time, and echoes each `mark` once the audio
before it has been played; the caller's inbound frames (20 ms each) are the stream's
clock. A piece of a prompt starts playing when it is sent to an idle stream, or when the
mark before it comes back; at a frame, Twilio has played `frame - start` frames of it.
The caller heard a little less (the way to their phone), and spoke over a word already
under way, so the prompt goes on from a gap between words (`resume_point`) at or just
before that position, at most `BACK_S` back; when that is unsure (the piece's start is
not known, the estimate runs past its end: a late echo) it goes on from the piece's
start, the sentence it was cut in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from receptionist.speech.audio import PHONE_RATE, ulaw_decode

FRAME_BYTES = 160  # 20 ms of 8 kHz μ-law: one inbound frame, one sample per byte
BACK_S = 1.0  # how far before the cut a gap between words may be
STEP = PHONE_RATE // 100  # 10 ms: the unit gaps are found in
GAP_STEPS = 3  # a gap between words: 30 ms at least…
QUIET_SHARE = 0.1  # …each under a tenth (-20 dB) of the piece's loud level


@dataclass
class Playhead:
    """The marks sent and not echoed yet, in order, and the frame each piece started
    playing at."""

    queue: list[str] = field(default_factory=list)
    starts: dict[str, int] = field(default_factory=dict)

    def sent(self, name: str, frame: int) -> None:
        if not self.queue:
            self.starts[name] = frame  # nothing else to play first: it plays now
        self.queue.append(name)

    def echoed(self, name: str, frame: int) -> None:
        """Twilio played up to mark `name`: the next piece starts now."""
        if name not in self.queue:
            return  # a mark of audio cleared (Twilio echoes them too)
        del self.queue[:self.queue.index(name) + 1]
        for done in [n for n in self.starts if n not in self.queue]:
            del self.starts[done]
        if self.queue:
            self.starts.setdefault(self.queue[0], frame)

    def position(self, name: str, frame: int) -> int | None:
        """Samples of piece `name` played at `frame` (None: not known to have started)."""
        start = self.starts.get(name)
        return None if start is None else max(0, frame - start) * FRAME_BYTES

    def clear(self) -> None:
        self.queue.clear()
        self.starts.clear()


def resume_point(audio: bytes, position: int | None) -> int:
    """Where to go on in a piece of μ-law audio cut `position` samples in: the middle of
    the last gap between words at or before it, at most `BACK_S` back (the piece's start
    counts as one); 0 (the whole piece again) when none is there or `position` is
    unsure."""
    if position is None or position <= 0 or position > len(audio):
        return 0
    earliest = position - int(BACK_S * PHONE_RATE)
    samples = ulaw_decode(audio).astype(np.float64)
    steps = len(samples) // STEP
    if steps == 0:
        return 0
    levels = np.sqrt(np.mean(samples[:steps * STEP].reshape(steps, STEP) ** 2, axis=1))
    quiet = levels < QUIET_SHARE * max(float(np.percentile(levels, 90)), 1.0)
    best = 0 if earliest <= 0 else None
    run = 0
    for index in range(min(steps, position // STEP)):
        run = run + 1 if quiet[index] else 0
        if run >= GAP_STEPS:
            middle = (index + 1 - run // 2) * STEP
            if earliest <= middle <= position:
                best = middle
    return 0 if best is None else best
