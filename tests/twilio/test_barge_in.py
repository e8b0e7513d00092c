"""Barge-in on the caller's voice: the prompt pauses a little over 100 ms into their
speech, never for line hiss or a click; it goes on as soon as what they said is known to
answer nothing (`barge_in.Pause`, counted in the stream's 20 ms frames), from the gap
between words before where it was cut (`playhead`)."""

from __future__ import annotations

import numpy as np

from receptionist.speech.audio import PHONE_RATE, ulaw_encode
from receptionist.twilio import barge_in, playhead
from tests.conftest import Speak


def line(seconds: float, level: float = 40.0, seed: int = 3) -> bytes:
    noise = np.random.default_rng(seed).normal(0, level, int(PHONE_RATE * seconds))
    return ulaw_encode(noise.astype(np.int16))


def onset() -> barge_in.Onset:
    windows = barge_in.detector()
    assert windows is not None, "Silero VAD comes with faster-whisper (`make deps`)"
    return barge_in.Onset(windows)


def fired_at(detector: barge_in.Onset, audio: bytes) -> float | None:
    """Seconds into `audio` (all fed, in 20 ms frames) when speech started, if it did."""
    found = None
    for index in range(0, len(audio), 160):
        if detector.add(audio[index:index + 160]) and found is None:
            found = (index + 160) / PHONE_RATE
    return found


def test_speech_over_a_prompt_is_noticed_within_a_quarter_second(speak: Speak) -> None:
    samples, _ = speak("I would like to book an appointment")
    voiced = np.flatnonzero(np.abs(samples) > 328)  # -40 dBFS: where the voice starts
    start = 1.0 + voiced[0] / PHONE_RATE
    detector = onset()
    at = fired_at(detector, line(1.0) + ulaw_encode(samples) + line(1.5))
    assert at is not None and 0.1 <= at - start < 0.25
    assert detector.fired and not detector.add(line(0.5))  # once, until reset
    assert detector.quiet_s >= barge_in.RESUME_S  # quiet again: the prompt may go on
    detector.reset()
    assert not detector.fired and detector.quiet_s == 0


def test_hiss_and_clicks_do_not_stop_a_prompt() -> None:
    detector = onset()
    click = np.zeros(PHONE_RATE // 2, dtype=np.int16)
    click[100:160] = 20000  # a key's edge, a bump on the handset
    audio = line(2.0) + ulaw_encode(click) + line(2.0, level=200)
    assert fired_at(detector, audio) is None


class Scripted:
    """Silero's likelihoods, one per window, in a given order."""

    window = 256
    threshold = 0.5

    def __init__(self, likelihoods: list[float]) -> None:
        self.likelihoods = iter(likelihoods)

    def likelihood(self, samples: object) -> float:
        return next(self.likelihoods)


def windows_to_onset(likelihoods: list[float]) -> int | None:
    """After how many windows speech is said to start."""
    detector = barge_in.Onset(Scripted(likelihoods))
    for index in range(len(likelihoods)):
        if detector.add(bytes(256)):
            return index + 1
    return None


def test_a_soft_start_counts_once_the_voice_is_sure() -> None:
    assert windows_to_onset([0.9, 0.9, 0.9, 0.9]) == 4
    # A soft first syllable under the threshold, then sure speech: from the first window.
    assert windows_to_onset([0.4, 0.4, 0.8, 0.8, 0.8]) == 4
    # Never sure twice: a breath, a rustle.
    assert windows_to_onset([0.4, 0.45, 0.6, 0.4, 0.4, 0.4, 0.4]) is None
    # A window under the hysteresis starts the run again.
    assert windows_to_onset([0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0.9]) == 8
    assert windows_to_onset([0.3, 0.3, 0.3, 0.3, 0.3]) is None


def test_quiet_is_counted_to_a_window() -> None:
    detector = onset()
    detector.add(line(2.0))
    # 2 s fed: quiet for 2 s to the window (the last part-window counts as quiet).
    assert detector.quiet_for(2) and not detector.quiet_for(3)


FRAME_S = 0.02  # one inbound frame: the stream's clock


def quiet_until(pause: barge_in.Pause, frames: int, start: int = 0) -> int | None:
    """Feed `frames` frames of quiet after the caller's voice; the frame at which the
    prompt goes on, if it does."""
    for frame in range(start, frames):
        pause.heard(frame * FRAME_S)
        if pause.goes_on():
            return frame
    return None


def test_a_paused_prompt_goes_on_once_the_words_so_far_answer_nothing() -> None:
    pause = barge_in.Pause(hears=True)
    for frame in range(12):  # quiet, not yet long enough to read the words
        pause.heard(frame * FRAME_S)
        assert pause.read_now() is None and not pause.goes_on()
    pause.heard(13 * FRAME_S)  # 260 ms: read what was said so far, once
    number = pause.read_now()
    assert number is not None and pause.read_now() is None
    assert quiet_until(pause, 40, start=13) is None  # waiting for the read
    pause.read(number, False)  # "mm-hm": it answers nothing
    assert pause.goes_on()


def test_words_that_may_answer_hold_the_prompt_until_their_end_decides() -> None:
    # "Yes" at a yes/no question: never resumed under it, then cut by the answer.
    pause = barge_in.Pause(hears=True)
    pause.heard(0.3)
    number = pause.read_now()
    assert number is not None
    pause.read(number, True)
    assert quiet_until(pause, int(barge_in.HOLD_S / FRAME_S), start=15) is None
    # The end of the utterance answered nothing after all: it goes on.
    pause.ended_unanswered(0.7)
    assert pause.goes_on()
    # The end of earlier words, heard while the caller speaks again: not of these.
    speaking = barge_in.Pause(hears=True)
    speaking.ended_unanswered(0.04)
    assert speaking.answers is None
    assert quiet_until(speaking, 40, start=2) is None
    # Nothing came at all (a recognizer that lost it): it goes on after HOLD_S.
    stuck = barge_in.Pause(hears=True)
    stuck.heard(0.3)
    stuck.read(stuck.read_now() or 0, True)
    assert quiet_until(stuck, 200, start=15) == round(barge_in.HOLD_S / FRAME_S)


def test_the_callers_voice_again_forgets_what_was_read() -> None:
    pause = barge_in.Pause(hears=True)
    pause.heard(0.3)
    stale = pause.read_now()
    assert stale is not None
    pause.heard(0.0)  # "yeah… I'd like to book": speaking again before the read came
    pause.read(stale, False)
    assert not pause.goes_on() and pause.answers is None
    pause.heard(0.3)
    fresh = pause.read_now()
    assert fresh is not None and fresh != stale  # read again, the new words


def test_without_a_recognizer_the_prompt_goes_on_after_a_second_of_quiet() -> None:
    assert quiet_until(barge_in.Pause(hears=False), 100) == round(barge_in.RESUME_S / FRAME_S)
    # An engine that cannot read an utterance in progress: the same.
    pause = barge_in.Pause(hears=True)
    pause.heard(0.3)
    pause.read(pause.read_now() or 0, None)
    assert quiet_until(pause, 100, start=15) == round(barge_in.RESUME_S / FRAME_S)


def test_a_piece_starts_playing_when_sent_to_an_idle_stream_or_when_the_last_mark_echoes(
        ) -> None:
    head = playhead.Playhead()
    head.sent("1", 100)  # nothing playing: it plays now
    head.sent("2", 101)  # queued behind "1"
    assert head.position("1", 150) == 50 * 160
    assert head.position("2", 150) is None  # not started yet
    head.echoed("1", 240)
    assert head.position("2", 250) == 10 * 160
    head.echoed("x", 260)  # a cleared mark's echo: nothing
    head.echoed("2", 300)
    head.sent("3", 320)
    assert head.position("3", 330) == 10 * 160
    head.clear()
    assert head.position("3", 330) is None


def sentence(words: list[float], gap_s: float = 0.12) -> bytes:
    """Tones as words (seconds each) with quiet between them: μ-law at 8 kHz."""
    parts = []
    for seconds in words:
        t = np.arange(int(PHONE_RATE * seconds)) / PHONE_RATE
        parts += [(8000 * np.sin(2 * np.pi * 300 * t)).astype(np.int16),
                  np.zeros(int(PHONE_RATE * gap_s), dtype=np.int16)]
    return ulaw_encode(np.concatenate(parts))


def test_a_prompt_goes_on_from_the_gap_between_words_before_where_it_was_cut() -> None:
    audio = sentence([0.4, 0.4, 0.4, 0.4])  # words start at 0, 0.52, 1.04, 1.56 s
    cut_at = int(1.3 * PHONE_RATE)  # into the third word
    point = playhead.resume_point(audio, cut_at)
    assert int(0.92 * PHONE_RATE) <= point <= int(1.04 * PHONE_RATE)  # the gap before it
    # At or before the cut, never after; the start of the piece within a second.
    assert playhead.resume_point(audio, int(0.3 * PHONE_RATE)) == 0
    # Unsure: no known position, or one past the piece's end (a late echo).
    assert playhead.resume_point(audio, None) == 0
    assert playhead.resume_point(audio, len(audio) + 1) == 0
    # One long word: no gap within a second before the cut, so the sentence's start.
    assert playhead.resume_point(sentence([2.5]), int(2.2 * PHONE_RATE)) == 0
