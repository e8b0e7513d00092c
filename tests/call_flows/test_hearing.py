"""A live call's words (`call_flows.hearing.Hearing`) with a scripted recognizer: what an
utterance answers, and that the tail of an utterance answered early never answers the
next prompt. The call's state is a real row; the recognition processes are fakes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, cast

import pytest
from sqlalchemy import update
from sqlmodel import col

from receptionist.call_flows.actions import Callback
from receptionist.call_flows.hearing import SATURATED, Hearing
from receptionist.call_flows.listening import ListenFor, SpokenOption
from receptionist.call_flows.loader import parse_script
from receptionist.calls import service as calls
from receptionist.calls.models import Call
from receptionist.demo import demo_script_text
from receptionist.runtime import Runtime
from receptionist.speech.process_pool import Heard, RecognitionPool
from receptionist.speech.recognizer import Recognition
from receptionist.tenants.service import get_tenant

SID = "CA" + "7" * 32
BATCH = b"\xff" * 800


class ScriptedStream:
    """A recognizer stream that answers each batch from a script (then silence)."""

    def __init__(self, replies: list[Heard], so_far: Recognition | None = None) -> None:
        self.replies = replies
        self.so_far = so_far
        self.batches = 0
        self.closed = False

    async def accept(self, ulaw: bytes, *, spoken_at: float | None = None) -> Heard:
        self.batches += 1
        return self.replies.pop(0) if self.replies else Heard(None, "")

    async def peek(self) -> Recognition | None:
        return self.so_far

    def close(self) -> None:
        self.closed = True


class ScriptedPool:
    def __init__(self, streams: list[ScriptedStream]) -> None:
        self.streams = streams
        self.opened: list[ScriptedStream] = []

    async def open(self, *, language: str, phrases: Any) -> ScriptedStream:
        stream = self.streams.pop(0)
        self.opened.append(stream)
        return stream


def _offer(seq: int) -> ListenFor:
    return ListenFor(answer="key", route="book", query=(("step", "book"), ("seq", seq)),
                     options=(SpokenOption(intent="key1", digit="1",
                                           phrases=("first", "the first one")),
                              SpokenOption(intent="key2", digit="2",
                                           phrases=("second", "the second one"))))


def _wait_at(runtime: Runtime, seq: int, listen: ListenFor) -> None:
    with runtime.database.write_transaction(urgent=True) as session:
        session.execute(update(Call).where(col(Call.call_sid) == SID).values(
            current_step="book", seq=seq, step_data=listen.dump()))


def _hearing(runtime: Runtime, pool: ScriptedPool) -> Hearing:
    with runtime.database.write_transaction(urgent=True) as session:
        demo = get_tenant(session, slug="demo")
        calls.open_call(session, call_sid=SID, tenant_id=demo.id, from_number="+15550001",
                        to_number="+15005550006", script_version=1, now=runtime.clock())
    script = parse_script(demo_script_text("demo.yaml"))
    recognition = cast(Callable[[], RecognitionPool], lambda: pool)
    return Hearing(runtime.database, recognition, SID, script, runtime.clock)


def test_the_tail_of_an_utterance_answered_early_is_not_the_next_answer(
        runtime: Runtime) -> None:
    """"Whoever is free first": decided on the partial "the first", the call moves to the
    next prompt while the caller still says "one"; that tail is heard out on the first
    prompt's stream and the next prompt hears only what comes after the utterance."""
    answered = ScriptedStream([Heard(None, "the first"), Heard(None, "the first"),
                               Heard(None, "the first one"),
                               Heard(Recognition("the first one", 0.9), "")])
    following = ScriptedStream([Heard(Recognition("the second one", 0.9), "")])
    pool = ScriptedPool([answered, following])
    hearing = _hearing(runtime, pool)
    _wait_at(runtime, 1, _offer(1))

    async def play() -> list[Callback | None]:
        said = [await hearing.feed(BATCH), await hearing.feed(BATCH)]  # early decision
        _wait_at(runtime, 2, _offer(2))  # the call moved on to the next prompt
        said += [await hearing.feed(BATCH) for _ in range(3)]
        hearing.close()
        return said

    first, second, *after = asyncio.run(play())
    assert first is None and second is not None
    assert dict(second.query)["pressed"] == "1"
    # The tail went to the answered prompt's stream, which closed at the utterance's end.
    assert answered.batches == 4 and answered.closed
    assert after[:2] == [None, None]
    assert following.batches == 1  # only the batch after the utterance
    assert after[2] is not None and dict(after[2].query)["pressed"] == "2"


def test_a_decision_on_a_whole_utterance_listens_to_the_next_prompt_at_once(
        runtime: Runtime) -> None:
    answered = ScriptedStream([Heard(Recognition("the first one", 0.9), "")])
    following = ScriptedStream([Heard(Recognition("the second one", 0.9), "")])
    pool = ScriptedPool([answered, following])
    hearing = _hearing(runtime, pool)
    _wait_at(runtime, 1, _offer(1))

    async def play() -> list[Callback | None]:
        said = [await hearing.feed(BATCH)]
        _wait_at(runtime, 2, _offer(2))
        said.append(await hearing.feed(BATCH))
        hearing.close()
        return said

    first, second = asyncio.run(play())
    assert first is not None and dict(first.query)["pressed"] == "1"
    assert second is not None and dict(second.query)["pressed"] == "2"
    assert answered.closed and following.batches == 1


def test_what_a_caller_says_so_far_is_read_and_an_utterance_that_answers_nothing_counted(
        runtime: Runtime) -> None:
    """Barge-in reads the words of an utterance in progress (the recognizer's peek): a
    "mm-hm" answers nothing, "the first" may; an engine that cannot tell says None."""
    streams = [ScriptedStream([Heard(Recognition("Mm-hmm.", 0.8), "")],
                              Recognition("Mm-hmm.", 0.8)),
               ScriptedStream([], Recognition("the first", 0.8)),
               ScriptedStream([], None)]
    pool = ScriptedPool(list(streams))
    hearing = _hearing(runtime, pool)
    readings: list[bool | None] = []

    async def play() -> list[Callback | None]:
        said = []
        for seq in (1, 2, 3):
            _wait_at(runtime, seq, _offer(seq))
            hearing.checked_at = 0.0
            said.append(await hearing.feed(BATCH))
            readings.append(await hearing.answers_so_far())
        hearing.close()
        return said

    assert asyncio.run(play()) == [None, None, None]
    # The whole "mm-hm" ended as nothing (the stream was closed after the first read:
    # the call moved on, so its read is of the second stream).
    assert hearing.ignored == 1
    assert readings == [False, True, None]


def test_an_utterance_not_decoded_asks_for_the_keypad_and_is_logged_as_saturated(
        runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    """The recognition process was too far behind to decode the utterance: a prompt that
    takes words sends the caller to the keypad, and the warning bench.load counts names
    the call."""
    words = ListenFor(answer="said", route="menu", query=(("step", "book"), ("seq", 1)),
                      options=())
    skipped = ScriptedStream([Heard(Recognition("", 0.0, skipped=True), "")])
    hearing = _hearing(runtime, ScriptedPool([skipped]))
    _wait_at(runtime, 1, words)

    async def play() -> Callback | None:
        said = await hearing.feed(BATCH)
        hearing.close()
        return said

    with caplog.at_level(logging.WARNING, logger="receptionist.call_flows.hearing"):
        sent = asyncio.run(play())
    assert sent is not None and sent.route == "menu"
    assert dict(sent.query)["keypad"] == 1
    saturated = [r.getMessage() for r in caplog.records if SATURATED in r.getMessage()]
    assert saturated == [f"call {SID}: {SATURATED} at book, keypad asked for"]
