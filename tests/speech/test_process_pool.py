"""Live recognition in child processes: real recognition (whisper tiny.en, the default
English engine) through the pipes, streams spread over the children, a child that dies,
and a child too far behind the call that skips decoding."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from receptionist.speech import whisper_models
from receptionist.speech.audio import ulaw_encode
from receptionist.speech.engines import EnginePart, EngineSpec, build_from_spec
from receptionist.speech.process_pool import (
    Heard,
    RecognitionPool,
    RemoteStream,
    SpeechUnavailable,
)
from receptionist.speech.recognition_process import (
    SENT_AT,
    STREAM_ID,
    Child,
    frame,
    read_frame,
)
from receptionist.speech.recognizer import ModelUnavailable
from tests.conftest import Speak

PHRASES = ["appointment", "leave a message", "operator", "opening hours"]
SAID = "Can I talk to a real person"
SPEC = EngineSpec((EnginePart("whisper", {
    "whisper-tiny-en": str(whisper_models.found(Path("/nonexistent"))["whisper-tiny-en"])}),))


@pytest.fixture
def pool() -> Iterator[RecognitionPool]:
    pool = RecognitionPool(SPEC, processes=2)
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


def test_a_child_far_behind_the_call_skips_decoding(speak: Speak) -> None:
    out = io.BytesIO()
    child = Child(build_from_spec(SPEC), out)
    child.handle(b"O", b'{"id": 7, "language": "en-US", "phrases": null}')
    audio = caller_audio(speak, SAID)
    # Audio spoken 5 s ago reaches the child only now: it is saturated.
    for i in range(0, len(audio), 800):
        child.handle(b"A", STREAM_ID.pack(7) + SENT_AT.pack(time.monotonic() - 5)
                     + audio[i:i + 800])
    source = io.BytesIO(out.getvalue())
    replies = [json.loads(body) for _, body in iter(lambda: read_frame(source.read), None)]
    assert [(r["final"], r["skipped"]) for r in replies if r["final"] is not None] == [
        (["", 0.0], True)]
