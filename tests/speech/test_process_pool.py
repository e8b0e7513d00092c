"""Live recognition in child processes: real recognition (whisper tiny.en, the default
English engine) through the pipes, streams spread over the children, a child that dies,
and a child too far behind the call that skips decoding.

How far behind a child is depends on how busy the machine is, so the pools here never
skip (`behind_s=None`): what they hear does not depend on the machine's speed. The skip
rule itself is driven with a clock the test sets (`Child(clock=...)`), and through the
pipes with audio stamped long before it is sent."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from receptionist.speech.audio import ulaw_encode
from receptionist.speech.engines import whisper_models
from receptionist.speech.engines.choice import EnginePart, EngineSpec, build_from_spec
from receptionist.speech.process_pool import (
    Heard,
    RecognitionPool,
    RemoteStream,
    SpeechUnavailable,
)
from receptionist.speech.recognition_process import (
    BEHIND_S,
    SENT_AT,
    STREAM_ID,
    Child,
    frame,
    read_frame,
)
from receptionist.speech.recognizer import ModelUnavailable, Recognition
from tests.conftest import Speak

PHRASES = ["appointment", "leave a message", "operator", "opening hours"]
SAID = "Can I talk to a real person"
SPEC = EngineSpec((EnginePart("whisper", {
    "whisper-tiny-en": str(whisper_models.found(Path("/nonexistent"))["whisper-tiny-en"])}),))


@pytest.fixture
def pool() -> Iterator[RecognitionPool]:
    pool = RecognitionPool(SPEC, processes=2, behind_s=None)
    yield pool
    pool.close()


def caller_audio(speak: Speak, text: str) -> bytes:
    """What Twilio streams: the words, then a second of silence, as 8 kHz μ-law."""
    samples, _ = speak(text)
    return ulaw_encode(np.concatenate([samples, np.zeros(8000, np.int16)]))


async def stream_through(stream: RemoteStream, ulaw: bytes) -> list[Heard]:
    return [await stream.accept(ulaw[i:i + 800]) for i in range(0, len(ulaw), 800)]


def test_recognition_runs_in_a_child_process(pool: RecognitionPool, speak: Speak) -> None:
    audio = caller_audio(speak, SAID)

    async def scenario() -> list[str]:
        stream = await pool.open(language="en-US", phrases=PHRASES)
        heard = await stream_through(stream, audio)
        stream.close()
        return [h.final.transcript for h in heard if h.final is not None]

    assert asyncio.run(scenario()) == [SAID]
    assert pool.pids() and os.getpid() not in pool.pids()


def test_concurrent_streams_are_spread_and_kept_apart(pool: RecognitionPool,
                                                      speak: Speak) -> None:
    # Sentences tiny.en hears word for word on espeak's voice, whatever the alignment.
    said = [SAID, "I want to make an appointment", "I would like to speak to someone",
            "I want to make an appointment"]

    async def scenario() -> list[list[str]]:
        streams = await asyncio.gather(*(pool.open(language="en-US", phrases=PHRASES)
                                         for _ in said))
        assert sorted(s._child.proc.pid for s in streams) == sorted(pool.pids() * 2)
        heard = await asyncio.gather(*(stream_through(s, caller_audio(speak, text))
                                       for s, text in zip(streams, said, strict=True)))
        for stream in streams:
            stream.close()
        return [[h.final.transcript for h in hs if h.final is not None] for hs in heard]

    assert asyncio.run(scenario()) == [[text] for text in said]


def test_a_language_without_a_model_says_so(pool: RecognitionPool) -> None:
    with pytest.raises(ModelUnavailable, match="no installed speech model hears fr-FR"):
        asyncio.run(pool.open(language="fr-FR", phrases=["message"]))
    assert len(pool.pids()) == 2  # the child is fine


def test_a_dead_child_fails_its_calls_and_is_replaced(pool: RecognitionPool,
                                                      speak: Speak) -> None:
    audio = caller_audio(speak, SAID)

    async def scenario() -> list[str]:
        stream = await pool.open(language="en-US", phrases=PHRASES)
        victim = stream._child.proc.pid
        os.kill(victim, signal.SIGKILL)
        with pytest.raises(SpeechUnavailable, match="exited"):
            await stream_through(stream, audio)
        stream.close()
        replacement = await pool.open(language="en-US", phrases=PHRASES)
        assert victim not in pool.pids() and len(pool.pids()) == 2
        heard = await stream_through(replacement, audio)
        return [h.final.transcript for h in heard if h.final is not None]

    assert asyncio.run(scenario()) == [SAID]


def test_a_bad_request_fails_one_stream_not_the_child(pool: RecognitionPool) -> None:
    async def scenario() -> None:
        stream = await pool.open(language="en-US", phrases=PHRASES)
        child = stream._child
        # A request for a stream the child never opened gets an error reply.
        stray = RemoteStream(child, 999_999)
        with pytest.raises(SpeechUnavailable, match="unknown stream"):
            await stray.accept(b"\xff" * 800)
        assert (await stream.accept(b"\xff" * 800)).final is None
        stream.close()

    asyncio.run(scenario())


def test_closing_the_pool_ends_the_children(speak: Speak) -> None:
    pool = RecognitionPool(SPEC, processes=1)
    pool.start(["en-US"], wait=True)
    (child,) = pool._children
    pool.close()
    assert child.proc.returncode == 0  # it saw the end of its input and exited
    with pytest.raises(SpeechUnavailable, match="closed"):
        pool.start()


def test_frames_round_trip_and_truncation_is_end_of_input() -> None:
    data = frame(b"A", b"12345678" + b"\x00" * 10) + frame(b"C", b"x" * 8)
    source = io.BytesIO(data)
    assert read_frame(source.read) == (b"A", b"12345678" + b"\x00" * 10)
    assert read_frame(source.read) == (b"C", b"x" * 8)
    assert read_frame(source.read) is None
    assert read_frame(io.BytesIO(data[:7]).read) is None
    with pytest.raises(ValueError, match="too large"):
        read_frame(io.BytesIO(b"\xff\xff\xff\xffA").read)


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class EveryBatchEnds:
    """A recognizer whose every batch ends an utterance, decoded or skipped as told (the
    contract of `UtteranceStream.accept`); it keeps the `decode` flags it was given."""

    name = "fake"
    sample_rate = 8000

    def __init__(self) -> None:
        self.decoded: list[bool] = []

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> EveryBatchEnds:
        return self

    def accept(self, samples: object, *, decode: bool = True) -> Recognition:
        self.decoded.append(decode)
        return Recognition("hello", 0.9) if decode else Recognition("", 0.0, skipped=True)

    def finish(self) -> None:
        return None


def replies_of(out: io.BytesIO) -> list[dict[str, object]]:
    source = io.BytesIO(out.getvalue())
    return [json.loads(body) for _, body in iter(lambda: read_frame(source.read), None)]


def audio_request(stream_id: int, sent_at: float, ulaw: bytes = b"\xff" * 800) -> bytes:
    return STREAM_ID.pack(stream_id) + SENT_AT.pack(sent_at) + ulaw


@pytest.mark.parametrize(("behind_s", "late_by", "decoded"), [
    (1.0, 0.0, True),
    (1.0, 0.99, True),
    (1.0, 1.0, False),  # the limit itself is too late
    (1.0, 5.0, False),
    (3.0, 2.5, True),
    (None, 3600.0, True),  # no limit: decoded however late
])
def test_audio_too_far_behind_the_call_is_not_decoded(
        behind_s: float | None, late_by: float, decoded: bool) -> None:
    out, recognizer, clock = io.BytesIO(), EveryBatchEnds(), FakeClock(1000.0)
    child = Child(recognizer, out, behind_s=behind_s, clock=clock)  # type: ignore[arg-type]
    child.handle(b"O", b'{"id": 3, "language": "en-US", "phrases": null}')
    child.handle(b"A", audio_request(3, clock.now - late_by))
    assert recognizer.decoded == [decoded]
    assert replies_of(out)[-1] == {
        "id": 3, "final": ["hello", 0.9] if decoded else ["", 0.0], "partial": "",
        "error": None, "skipped": not decoded}


def test_a_child_catching_up_decodes_again() -> None:
    out, recognizer, clock = io.BytesIO(), EveryBatchEnds(), FakeClock(50.0)
    child = Child(recognizer, out, clock=clock)  # type: ignore[arg-type]
    assert child.behind_s == BEHIND_S
    child.handle(b"O", b'{"id": 1, "language": "en-US", "phrases": null}')
    for late_by in (0.2, BEHIND_S + 1, BEHIND_S + 0.5, 0.1):
        child.handle(b"A", audio_request(1, clock.now - late_by))
        clock.now += 0.1
    assert recognizer.decoded == [True, False, False, True]


def test_a_child_far_behind_the_call_skips_decoding(speak: Speak) -> None:
    out = io.BytesIO()
    clock = FakeClock(1000.0)
    child = Child(build_from_spec(SPEC), out, clock=clock)
    child.handle(b"O", b'{"id": 7, "language": "en-US", "phrases": null}')
    audio = caller_audio(speak, SAID)
    # Each batch spoken 5 s before it reaches the child: it is saturated.
    for i in range(0, len(audio), 800):
        child.handle(b"A", audio_request(7, clock.now - 5, audio[i:i + 800]))
        clock.now += 0.1
    assert [(r["final"], r["skipped"]) for r in replies_of(out) if r["final"] is not None] == [
        (["", 0.0], True)]


@pytest.mark.parametrize(("behind_s", "heard"), [
    (BEHIND_S, [("", True)]),
    (None, [(SAID, False)]),
])
def test_the_pools_limit_reaches_its_processes(
        speak: Speak, behind_s: float | None, heard: list[tuple[str, bool]]) -> None:
    # Audio stamped as spoken a minute ago: late whatever the machine's speed.
    audio = caller_audio(speak, SAID)
    late = RecognitionPool(SPEC, processes=1, behind_s=behind_s)

    async def scenario() -> list[tuple[str, bool]]:
        stream = await late.open(language="en-US", phrases=PHRASES)
        replies = [await stream.accept(audio[i:i + 800], spoken_at=time.monotonic() - 60)
                   for i in range(0, len(audio), 800)]
        stream.close()
        return [(h.final.transcript, h.final.skipped) for h in replies if h.final is not None]

    try:
        assert asyncio.run(scenario()) == heard
    finally:
        late.close()


def test_an_utterance_in_progress_is_read_without_ending_it(pool: RecognitionPool,
                                                            speak: Speak) -> None:
    """Barge-in's peek: the words so far, decoded while the caller is still in the
    utterance (300 ms into the quiet after it, before the 600 ms end of speech); the
    utterance still ends once, whole."""
    samples, _ = speak(SAID)
    end = np.flatnonzero(np.abs(samples) > 300)[-1] + 2400  # the voice, then 300 ms
    words, rest = ulaw_encode(samples[:end]), ulaw_encode(np.concatenate(
        [samples[end:], np.zeros(8000, np.int16)]))

    async def scenario() -> tuple[Recognition | None, Recognition | None, list[str]]:
        stream = await pool.open(language="en-US", phrases=PHRASES)
        before = await stream.peek()  # nothing said yet
        heard = await stream_through(stream, words)
        so_far = await stream.peek()
        heard += await stream_through(stream, rest)
        stream.close()
        return before, so_far, [h.final.transcript for h in heard if h.final is not None]

    before, so_far, finals = asyncio.run(scenario())
    assert before == Recognition("", 0.0)
    assert so_far is not None and so_far.transcript == SAID
    assert finals == [SAID]
