"""Live recognition in child processes, so the web process's event loop stays free.

Threads were not enough: the recognizers release the GIL inside their C code, but the
Python around every 100 ms batch (resampling, result parsing, partial results) still
competed with the event loop for it, and at 30 concurrent calls a WebSocket frame waited
tens of milliseconds for its turn. Here the event loop only queues μ-law bytes; a writer
and a reader thread per child move them through pipes (holding the GIL for microseconds),
and replies come back to the awaiting coroutine with `call_soon_threadsafe`. Being
loop-agnostic, the pool serves any event loop (uvicorn's, or a test client's).

Each stream stays on one child (its recognizer state lives there), picked as the child
with the fewest open streams. A child that dies fails its waiting requests with
SpeechUnavailable (those calls fall back to the keypad) and is replaced for new streams.
`behind_s` is how far behind a call the children may fall before they stop decoding
(recognition_process.BEHIND_S; None: never stop).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from receptionist.speech.engines.choice import EngineSpec
from receptionist.speech.recognition_process import (
    BEHIND_S,
    SENT_AT,
    STREAM_ID,
    frame,
    read_frame,
)
from receptionist.speech.recognizer import ModelUnavailable, Recognition

log = logging.getLogger(__name__)
Reply = dict[str, Any]


class SpeechUnavailable(RuntimeError):
    """The recognition process is gone (crashed, or the pool was closed)."""


@dataclass(frozen=True)
class Heard:
    """What one batch of audio produced: an utterance that ended, or the partial so far."""

    final: Recognition | None
    partial: str


class _Child:
    def __init__(self, spec: EngineSpec, languages: Sequence[str],
                 behind_s: float | None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "receptionist.speech.recognition_process", spec.to_json(),
             json.dumps(list(languages)), json.dumps(behind_s)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ready = threading.Event()
        self.alive = True
        self.open_streams = 0
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[Reply]]] = {}
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._write_loop, daemon=True,
                                          name=f"speech-writer-{self.proc.pid}"),
                         threading.Thread(target=self._read_loop, daemon=True,
                                          name=f"speech-reader-{self.proc.pid}")]
        for thread in self._threads:
            thread.start()

    def request(self, stream_id: int, data: bytes) -> asyncio.Future[Reply]:
        """Send a request that has one reply; await the returned future (on this loop)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Reply] = loop.create_future()
        with self._lock:
            if not self.alive:
                raise SpeechUnavailable("the recognition process has exited")
            if stream_id in self._waiting:
                raise RuntimeError(f"stream {stream_id} already has a request in flight")
            self._waiting[stream_id] = (loop, future)
        self._outbox.put(data)
        return future

    def send(self, data: bytes) -> None:
        if self.alive:
            self._outbox.put(data)

    def _write_loop(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (data := self._outbox.get()) is not None:
                stdin.write(data)
                stdin.flush()
        except (OSError, ValueError):
            pass  # the reader sees the exit and reports it
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while (message := read_frame(stdout.read)) is not None:
                kind, body = message
                if kind == b"H":
                    self.ready.set()
                elif kind == b"R":
                    reply: Reply = json.loads(body)
                    with self._lock:
                        waiter = self._waiting.pop(int(reply["id"]), None)
                    if waiter is not None:
                        loop, future = waiter
                        with contextlib.suppress(RuntimeError):  # loop closed
                            loop.call_soon_threadsafe(_settle, future, reply, None)
        except (OSError, ValueError) as exc:
            log.error("speech process %d: bad reply stream: %s", self.proc.pid, exc)
        code = self.proc.wait()
        self._die(f"the recognition process exited with code {code}")

    def _die(self, reason: str) -> None:
        with self._lock:
            was_alive, self.alive = self.alive, False
            waiting, self._waiting = self._waiting, {}
        self.ready.set()
        if was_alive and waiting:
            log.error("speech process %d: %s; %d calls fall back to the keypad",
                      self.proc.pid, reason, len(waiting))
        for loop, future in waiting.values():
            # RuntimeError: that event loop is closed, nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, future, None, SpeechUnavailable(reason))

    def close(self, timeout_s: float = 5.0) -> None:
        self._outbox.put(None)  # the writer closes stdin: the child exits at end of input
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for thread in self._threads:
            thread.join(timeout=timeout_s)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _settle(future: asyncio.Future[Reply], reply: Reply | None,
            error: BaseException | None) -> None:
    if future.done():
        return  # the awaiting call was cancelled (the caller hung up)
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(reply or {})


class RemoteStream:
    """One call's recognizer, living in a child process."""

    def __init__(self, child: _Child, stream_id: int) -> None:
        self._child = child
        self._id = stream_id
        self._closed = False

    async def accept(self, ulaw: bytes, *, spoken_at: float | None = None) -> Heard:
        """Feed 8 kHz μ-law audio (any length); the child decodes and resamples it.
        `spoken_at`: when (time.monotonic) the end of this audio was spoken, which tells
        the child how far behind the live call it is (default: now)."""
        stamp = time.monotonic() if spoken_at is None else spoken_at
        reply = await self._child.request(self._id, frame(
            b"A", STREAM_ID.pack(self._id) + SENT_AT.pack(stamp) + ulaw))
        if reply.get("error"):
            raise SpeechUnavailable(str(reply["error"]))
        final = reply.get("final")
        return Heard(final=None if final is None else Recognition(
                         str(final[0]), float(final[1]), skipped=bool(reply.get("skipped"))),
                     partial=str(reply.get("partial") or ""))

    async def peek(self) -> Recognition | None:
        """What the utterance in progress says so far, without ending it ("": nothing is
        being said); None when the engine cannot tell."""
        reply = await self._child.request(self._id, frame(b"P", STREAM_ID.pack(self._id)))
        if reply.get("error"):
            raise SpeechUnavailable(str(reply["error"]))
        final = reply.get("final")
        return None if final is None else Recognition(str(final[0]), float(final[1]))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._child.open_streams -= 1
            self._child.send(frame(b"C", STREAM_ID.pack(self._id)))


class RecognitionPool:
    """N recognition processes running the same engine (SPEECH_PROCESSES, default one
    per CPU core), which skip decoding when more than `behind_s` behind a call
    (SPEECH_MAX_BEHIND_S; None: never)."""

    def __init__(self, spec: EngineSpec, *, processes: int = 0,
                 languages: Sequence[str] = (), behind_s: float | None = BEHIND_S) -> None:
        self.spec = spec
        self.size = processes if processes > 0 else max(os.cpu_count() or 1, 1)
        self.languages = list(languages)
        self.behind_s = behind_s
        self._children: list[_Child] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False

    def start(self, languages: Sequence[str] = (), *, wait: bool = False) -> None:
        """Start (or replace dead) children; they load the models of `languages` first."""
        with self._lock:
            if self._closed:
                raise SpeechUnavailable("the recognition pool is closed")
            self.languages = sorted({*self.languages, *languages})
            dead = [c for c in self._children if not c.alive]
            self._children = [c for c in self._children if c.alive]
            while len(self._children) < self.size:
                self._children.append(_Child(self.spec, self.languages, self.behind_s))
            children = list(self._children)
        for child in dead:
            child.close(timeout_s=0.5)
        if wait:
            for child in children:
                child.ready.wait()

    def _pick(self) -> _Child:
        with self._lock:
            alive = [c for c in self._children if c.alive]
        if len(alive) < self.size:
            self.start()
            with self._lock:
                alive = [c for c in self._children if c.alive]
        if not alive:
            raise SpeechUnavailable("no recognition process is running")
        child = min(alive, key=lambda c: c.open_streams)
        child.open_streams += 1  # counted now, so that streams opening together spread out
        return child

    async def open(self, *, language: str, phrases: Sequence[str] | None) -> RemoteStream:
        """A stream restricted to `phrases` (None: full vocabulary). Raises
        ModelUnavailable (no model for the language) or SpeechUnavailable."""
        child = self._pick()
        stream_id = next(self._ids)
        body = json.dumps({"id": stream_id, "language": language,
                           "phrases": None if phrases is None else list(phrases)},
                          ensure_ascii=False).encode()
        try:
            reply = await child.request(stream_id, frame(b"O", body))
        except BaseException:
            child.open_streams -= 1
            raise
        error = reply.get("error")
        if error:
            child.open_streams -= 1
            if str(error).startswith("unavailable: "):
                raise ModelUnavailable(str(error).removeprefix("unavailable: "))
            raise SpeechUnavailable(str(error))
        return RemoteStream(child, stream_id)

    def pids(self) -> list[int]:
        with self._lock:
            return [c.proc.pid for c in self._children if c.alive]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            children, self._children = self._children, []
        for child in children:
            child.close()
