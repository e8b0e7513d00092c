"""A recognition child process:
`python -m receptionist.speech.recognition_process SPEC [LANGUAGES [BEHIND_S]]`.

The web process forwards each live call's audio here (see process_pool) so that decoding,
resampling and the recognizer itself never compete with the event loop for the GIL. The
child is single-threaded and serves many streams: requests come on stdin and replies go
out on stdout, as frames of `!IB` (body length, kind) + body:

    parent -> child  b"O" open   JSON {"id", "language", "phrases"}       -> one reply
                     b"A" audio  !Q stream id + !d time sent (monotonic)
                                 + 8 kHz μ-law bytes                         -> one reply
                     b"P" peek   !Q stream id                                -> one reply
                     b"C" close  !Q stream id                                -> no reply
    child -> parent  b"H" hello  JSON {"engine", "ready"} once models are loaded
                     b"R" reply  JSON {"id", "final": [text, confidence] | null,
                                       "partial": str, "error": str | null,
                                       "skipped": bool}

A peek decodes the utterance in progress without ending it (`final`: what it says so
far, "" when nothing is being said; null when the engine cannot tell): barge-in asks
it once a caller who spoke over a prompt is quiet, to go on sooner than the end of turn.

CPU is finite: when audio reaches the child more than BEHIND_S after it was sent (the
child is busy decoding other callers), an utterance that ends is not decoded but
reported as skipped, and the caller is asked to use the keypad instead of waiting.
The limit is the pool's (SPEECH_MAX_BEHIND_S; JSON null: decode however late, which is
what tests want: how slow a busy machine is must not change what is heard there).

The child exits when stdin closes, so it never outlives the web process.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time
from collections.abc import Callable
from typing import BinaryIO

from receptionist.speech.audio import resample, ulaw_decode
from receptionist.speech.engines.choice import EngineSpec, build_from_spec
from receptionist.speech.recognizer import ModelUnavailable, Recognizer, UtteranceStream

HEADER = struct.Struct("!IB")
STREAM_ID = struct.Struct("!Q")
SENT_AT = struct.Struct("!d")
BEHIND_S = 1.0  # the default limit (seconds behind the call) before decoding is skipped
MAX_BODY = 16 * 1024 * 1024


def read_frame(read: Callable[[int], bytes]) -> tuple[bytes, bytes] | None:
    """(kind, body), or None at end of file."""
    header = _read_exactly(read, HEADER.size)
    if header is None:
        return None
    length, kind = HEADER.unpack(header)
    if length > MAX_BODY:
        raise ValueError(f"frame of {length} bytes is too large")
    body = _read_exactly(read, length)
    if body is None:
        return None
    return bytes([kind]), body


def _read_exactly(read: Callable[[int], bytes], size: int) -> bytes | None:
    chunks, missing = [], size
    while missing:
        chunk = read(missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def frame(kind: bytes, body: bytes) -> bytes:
    return HEADER.pack(len(body), kind[0]) + body


class Child:
    """The streams one child process serves.

    `behind_s`: how far behind the call (seconds) audio may reach the child and still be
    decoded; None: always decoded. `clock`: the time audio is compared with (the parent
    stamps it with `time.monotonic`, one clock for every process on the machine)."""

    def __init__(self, recognizer: Recognizer, out: BinaryIO, *,
                 behind_s: float | None = BEHIND_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.recognizer = recognizer
        self.out = out
        self.behind_s = behind_s
        self.clock = clock
        self.streams: dict[int, UtteranceStream] = {}

    def too_far_behind(self, sent_at: float) -> bool:
        """Audio sent (spoken) at `sent_at` arrives too late to be worth decoding."""
        return self.behind_s is not None and self.clock() - sent_at >= self.behind_s

    def reply(self, stream_id: int, *, final: tuple[str, float] | None = None,
              partial: str = "", error: str | None = None, skipped: bool = False) -> None:
        body = json.dumps({"id": stream_id, "final": final, "partial": partial,
                           "error": error, "skipped": skipped}, ensure_ascii=False).encode()
        self.out.write(frame(b"R", body))

    def _stream(self, body: bytes) -> tuple[int, UtteranceStream | None]:
        """The stream a request names (its id leads the body); None, answered with an
        error, when it is not open."""
        (stream_id,) = STREAM_ID.unpack_from(body)
        stream = self.streams.get(stream_id)
        if stream is None:
            self.reply(stream_id, error="unknown stream")
        return stream_id, stream

    def handle(self, kind: bytes, body: bytes) -> None:
        if kind == b"O":
            request = json.loads(body)
            stream_id = int(request["id"])
            try:
                self.streams[stream_id] = self.recognizer.stream(
                    language=str(request["language"]), phrases=request.get("phrases"))
            except ModelUnavailable as exc:
                self.reply(stream_id, error=f"unavailable: {exc}")
                return
            self.reply(stream_id)
        elif kind == b"A":
            stream_id, stream = self._stream(body)
            if stream is None:
                return
            (sent_at,) = SENT_AT.unpack_from(body, STREAM_ID.size)
            start = STREAM_ID.size + SENT_AT.size
            samples = resample(ulaw_decode(body[start:]), 8000, self.recognizer.sample_rate)
            heard = stream.accept(samples, decode=not self.too_far_behind(sent_at))
            partial_of = getattr(stream, "partial", None)
            self.reply(stream_id,
                       final=None if heard is None else (heard.transcript, heard.confidence),
                       skipped=heard is not None and heard.skipped,
                       partial=partial_of() if partial_of is not None and heard is None
                       else "")
        elif kind == b"P":
            stream_id, stream = self._stream(body)
            if stream is None:
                return
            peek = getattr(stream, "peek", None)
            so_far = peek() if peek is not None else None
            self.reply(stream_id, final=None if so_far is None
                       else (so_far.transcript, so_far.confidence))
        elif kind == b"C":
            (stream_id,) = STREAM_ID.unpack_from(body)
            stream = self.streams.pop(stream_id, None)
            if stream is not None:
                stream.finish()


def main() -> None:
    spec = EngineSpec.from_json(sys.argv[1])
    languages = json.loads(sys.argv[2]) if len(sys.argv) > 2 else []
    behind_s = json.loads(sys.argv[3]) if len(sys.argv) > 3 else BEHIND_S
    # The protocol owns the real stdout; anything a C library prints goes to stderr.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    stdin = os.fdopen(0, "rb", buffering=0)
    recognizer = build_from_spec(spec)
    recognizer.prewarm(languages)
    out.write(frame(b"H", json.dumps({"engine": recognizer.name, "ready": True}).encode()))
    child = Child(recognizer, out, behind_s=None if behind_s is None else float(behind_s))
    while (request := read_frame(stdin.read)) is not None:
        kind, body = request
        try:
            child.handle(kind, body)
        except (BrokenPipeError, KeyboardInterrupt):
            raise
        except Exception as exc:  # one bad stream must not take the others down
            if kind != b"C":
                child.reply(_stream_id(kind, body), error=f"{type(exc).__name__}: {exc}")


def _stream_id(kind: bytes, body: bytes) -> int:
    try:
        if kind == b"O":
            return int(json.loads(body)["id"])
        return int(STREAM_ID.unpack_from(body)[0])
    except (ValueError, KeyError, TypeError, struct.error):
        return 0


if __name__ == "__main__":
    main()
