"""Twilio's role in tests (DESIGN.md §6).

`TestTwilioSim` places whole calls against the app (the call logic is the package's own
simulator, shared with `receptionist simulate`); `FakeTwilioApi` is a real HTTP server on
loopback standing in for Twilio's REST API: it serves recordings behind HTTP basic auth
(account SID + auth token), with injectable failures.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
import struct
import threading
import time
import wave
from collections.abc import Callable
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np
from starlette.websockets import WebSocketDisconnect

from receptionist.call_flows.hearing import STEP_REFRESH_S
from receptionist.runtime import Runtime
from receptionist.speech.audio import Samples
from receptionist.twilio import media as media_handler
from receptionist.twilio.frames import stream_frames
from receptionist.twilio.media import BATCH_BYTES, MediaSession
from receptionist.twilio.simulator import Heard, SimulatedCall, Spoken, TwilioSim, new_sid

if TYPE_CHECKING:
    import pytest

__all__ = ["AudioHeard", "FakeTwilioApi", "SimulatedCall", "TestMediaStreams", "TestTwilioSim",
           "tone_wav"]

# How long a test waits for the app to finish with a caller's audio, or for its redirect:
# far longer than recognition takes on the busiest machine, so that a slow machine only
# makes a test slower; running out of it fails the test with a message saying so.
HEARING_TIMEOUT_S = 180.0


def tone_wav(seconds: float, rate: int = 8000) -> bytes:
    """A real WAV file: a 440 Hz tone, 16-bit mono."""
    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(frames)
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples)
    return out.getvalue()


class BusyHTTPServer(ThreadingHTTPServer):
    """Many deliveries arrive at once (the outbox sends in parallel): a longer accept
    queue than http.server's default of 5."""

    request_queue_size = 128


class TestTwilioSim(TwilioSim):
    __test__ = False  # not a test class, despite the name

    def post_raw(self, path: str, form: dict[str, str], *, signed: bool = True,
                 signature: str | None = None, **kwargs: Any) -> Any:
        """A single request, signed correctly unless told otherwise."""
        url = self.public_url(path)
        sig = signature if signature is not None else (self.sign(url, form) if signed else "")
        target = path
        headers = {"X-Twilio-Signature": sig} if sig else {}
        headers.update(kwargs.pop("headers", {}))
        return self.http.post(target, data=form, headers=headers, **kwargs)


class FakeTwilioApi:
    """Twilio's REST API on loopback, with basic auth: serves recordings
    (GET .../Recordings/{RE}.wav), accepts call redirects (POST .../Calls/{CA}.json) and
    text messages (POST .../Messages.json)."""

    def __init__(self, *, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.recordings: dict[str, bytes] = {}
        self.failures_left = 0
        self.failure_status = 500
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self.redirects: dict[str, list[str]] = {}  # CallSid -> URLs it was updated to
        self.sms: list[dict[str, str]] = []  # To, From, Body of each message accepted
        self.sms_failures_left = 0
        self.sms_failure_status = 500
        self._redirected = threading.Condition()
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                status, reply = api.handle_post(self.path, self.headers.get("Authorization"),
                                                body)
                with api._lock:
                    api.requests.append(("POST", self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def do_GET(self) -> None:
                status, body, ctype = api.handle_get(self.path, self.headers.get("Authorization"))
                with api._lock:
                    api.requests.append(("GET", self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = BusyHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> FakeTwilioApi:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_recording(self, recording_sid: str, seconds: int) -> None:
        with self._lock:
            self.recordings[recording_sid] = tone_wav(min(seconds, 3))

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._lock:
            self.failures_left = count
            self.failure_status = status

    def _authorized(self, authorization: str | None) -> bool:
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return authorization == expected

    def fail_next_sms(self, count: int, status: int = 500) -> None:
        with self._lock:
            self.sms_failures_left = count
            self.sms_failure_status = status

    def handle_post(self, path: str, authorization: str | None, body: str) -> tuple[int, bytes]:
        """calls(sid).update(url=...): what the app does to move a live call; and
        messages.create(to, from_, body) for SMS."""
        if not self._authorized(authorization):
            return 401, b'{"message": "Authenticate"}'
        if path == f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return self._message(dict(parse_qsl(body)))
        match = re.fullmatch(rf"/2010-04-01/Accounts/{self.account_sid}/Calls/(CA\w+)\.json",
                             path)
        form = dict(parse_qsl(body))
        if match is None or "Url" not in form:
            return 400, b'{"message": "bad request"}'
        with self._redirected:
            self.redirects.setdefault(match.group(1), []).append(form["Url"])
            self._redirected.notify_all()
        return 200, json.dumps({"sid": match.group(1), "status": "in-progress"}).encode()

    def _message(self, form: dict[str, str]) -> tuple[int, bytes]:
        with self._lock:
            if self.sms_failures_left > 0:
                self.sms_failures_left -= 1
                return self.sms_failure_status, b'{"message": "try again"}'
            if not {"To", "From", "Body"} <= form.keys():
                return 400, b'{"code": 21604, "message": "To, From and Body are required"}'
            if not re.fullmatch(r"\+[1-9]\d{6,14}", form["To"]):
                return 400, b'{"code": 21211, "message": "invalid To number"}'
            self.sms.append(form)
            sid = f"SM{len(self.sms):032x}"
        return 201, json.dumps({"sid": sid, "status": "queued"}).encode()

    def wait_for_redirect(self, call_sid: str, *, after: int, timeout: float) -> str | None:
        """The URL of the call's redirect number `after` (0-based), once it arrives."""
        with self._redirected:
            self._redirected.wait_for(lambda: len(self.redirects.get(call_sid, [])) > after,
                                      timeout=timeout)
            return self.redirect(call_sid, after)

    def redirect(self, call_sid: str, index: int) -> str | None:
        """The URL of the call's redirect number `index` (0-based), if it was made."""
        with self._redirected:
            urls = self.redirects.get(call_sid, [])
            return urls[index] if len(urls) > index else None

    def redirect_count(self, call_sid: str) -> int:
        with self._redirected:
            return len(self.redirects.get(call_sid, []))

    def handle_get(self, path: str, authorization: str | None) -> tuple[int, bytes, str]:
        if not self._authorized(authorization):
            return 401, b'{"message": "Authenticate"}', "application/json"
        with self._lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                return self.failure_status, b'{"message": "injected failure"}', "application/json"
        match = re.fullmatch(
            rf"/2010-04-01/Accounts/{self.account_sid}/Recordings/(RE[0-9a-f]+)\.wav", path)
        if match is None or match.group(1) not in self.recordings:
            return 404, b'{"message": "not found"}', "application/json"
        return 200, self.recordings[match.group(1)], "audio/x-wav"

    def fetched(self) -> list[str]:
        return [path for method, path, status in self.requests if status == 200]


class AudioHeard:
    """How much of each call's streamed audio the app (in this process) is done with:
    recognised, and the live call redirected if the words answered the prompt.

    It wraps the media handler's `_recognise`, which the handler awaits for one batch at a
    time, in order. A test that streams audio then knows when the app has heard all of
    it, however busy the machine is: speech is "not understood" because the app is done
    with it and made no redirect, never because a deadline passed first."""

    def __init__(self) -> None:
        self._done: dict[str, int] = {}  # call SID -> bytes of audio recognised
        self._changed = threading.Condition()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> AudioHeard:
        original = media_handler._recognise

        async def recognise(rt: Runtime, session: MediaSession, batch: bytes) -> None:
            try:
                await original(rt, session, batch)
            finally:
                with self._changed:
                    self._done[session.call_sid] = (self._done.get(session.call_sid, 0)
                                                    + len(batch))
                    self._changed.notify_all()

        monkeypatch.setattr(media_handler, "_recognise", recognise)
        return self

    def wait(self, call_sid: str, sent: int, timeout: float = HEARING_TIMEOUT_S) -> None:
        """Until the app has recognised the call's `sent` bytes of audio but for less than
        a batch (which waits for more audio, as in a live call)."""
        def heard() -> bool:
            return sent - self._done.get(call_sid, 0) < BATCH_BYTES

        with self._changed:
            if not self._changed.wait_for(heard, timeout=timeout):
                raise AssertionError(
                    f"call {call_sid}: the app had heard {self._done.get(call_sid, 0)} of "
                    f"{sent} bytes of audio after {timeout:.0f} s")


def start_stream(socket: Any, call: SimulatedCall, stream_sid: str,
                 parameters: dict[str, str]) -> None:
    """Twilio's first two messages on a call's stream."""
    socket.send_text(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
    socket.send_text(json.dumps({
        "event": "start", "sequenceNumber": "1", "streamSid": stream_sid,
        "start": {"streamSid": stream_sid, "accountSid": call.sim.account_sid,
                  "callSid": call.call_sid, "tracks": ["inbound"],
                  "customParameters": parameters,
                  "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000,
                                  "channels": 1}}}))


class TestMediaStreams:
    """Twilio's media-stream side: opens the <Stream> WebSocket (signed), sends `start`,
    then the caller's speech as Twilio frames it (8 kHz μ-law, 20 ms, base64) followed by
    a second of silence, and reports the app's REST redirect.

    With `heard` (an app in this process), a redirect is looked for once the app has
    heard all the audio: None means the words answered nothing. Without it (an app in
    other processes), the redirect is awaited up to `wait_s`; `must_route`: speech that
    gets no redirect by then fails the test (it cannot be told from a slow machine)."""

    __test__ = False

    def __init__(self, client: Any, api: FakeTwilioApi, validator_sign: Callable[..., str],
                 speak: Callable[..., tuple[Samples, int]], *, voice: str = "en-us",
                 heard: AudioHeard | None = None, wait_s: float = HEARING_TIMEOUT_S,
                 must_route: bool = False) -> None:
        self.client = client
        self.api = api
        self.sign = validator_sign
        self.synthesize = speak
        self.voice = voice
        self.heard = heard
        self.wait_s = wait_s
        self.must_route = must_route
        self.sockets: dict[str, tuple[AbstractContextManager[Any], Any, str]] = {}
        # Per call: when its stream opened, and the end (ms) of the audio sent so far.
        self.opened: dict[str, tuple[float, int]] = {}
        self.sent_bytes: dict[str, int] = {}  # per call: μ-law bytes sent so far

    def open(self, call: SimulatedCall, url: str, parameters: dict[str, str]) -> None:
        manager = self.client.websocket_connect(
            urlsplit(url).path, headers={"X-Twilio-Signature": self.sign(url, {})})
        socket = manager.__enter__()
        stream_sid = new_sid("MZ")
        start_stream(socket, call, stream_sid, parameters)
        self.sockets[call.call_sid] = (manager, socket, stream_sid)
        self.opened[call.call_sid] = (time.monotonic(), 0)
        self.sent_bytes[call.call_sid] = 0

    def send_audio(self, call: SimulatedCall, samples: Samples, rate: int) -> None:
        """Frames sent at once, not in real time, but stamped as Twilio would stamp them
        had the caller started speaking now: milliseconds since the stream began, 20 ms
        a frame (never before the end of what was sent already)."""
        _, socket, stream_sid = self.sockets[call.call_sid]
        audio = np.concatenate([samples, np.zeros(rate, dtype=np.int16)])
        opened, sent_until = self.opened[call.call_sid]
        start_ms = max(int((time.monotonic() - opened) * 1000), sent_until)
        frames = stream_frames(audio, rate)
        for chunk, frame in enumerate(frames):
            socket.send_text(json.dumps({
                "event": "media", "sequenceNumber": str(chunk + 2), "streamSid": stream_sid,
                "media": {"track": "inbound", "chunk": str(chunk + 1),
                          "timestamp": str(start_ms + chunk * 20),
                          "payload": base64.b64encode(frame).decode()}}))
            self.sent_bytes[call.call_sid] += len(frame)
        self.opened[call.call_sid] = (opened, start_ms + len(frames) * 20)

    def speak(self, call: SimulatedCall, text: str) -> str | None:
        samples, rate = self.synthesize(text, voice=self.voice)
        return self.play(call, samples, rate)

    def play(self, call: SimulatedCall, samples: Samples, rate: int) -> str | None:
        """The caller's audio (then a second of silence): the URL the app redirected the
        call to in return, or None (see the class)."""
        before = self.api.redirect_count(call.call_sid)
        # A caller answers after hearing the prompt, which takes seconds; the app looks at
        # the call's current prompt every STEP_REFRESH_S while audio flows, and our audio
        # comes in one burst, not in real time. With `heard`, the app was done with the
        # audio before (its last look at the prompt came before we moved the call on):
        # this pause is at least STEP_REFRESH_S, however busy the machine.
        time.sleep(STEP_REFRESH_S + 0.05)
        self.send_audio(call, samples, rate)
        if self.heard is not None:
            self.heard.wait(call.call_sid, self.sent_bytes[call.call_sid], self.wait_s)
            return self.api.redirect(call.call_sid, before)
        redirect = self.api.wait_for_redirect(call.call_sid, after=before, timeout=self.wait_s)
        if redirect is None and self.must_route:
            raise AssertionError(f"call {call.call_sid}: no redirect {self.wait_s:.0f} s "
                                 "after the caller spoke")
        return redirect

    def close(self, call: SimulatedCall) -> None:
        entry = self.sockets.pop(call.call_sid, None)
        if entry is None:
            return
        manager, socket, stream_sid = entry
        socket.send_text(json.dumps({"event": "stop", "streamSid": stream_sid}))
        manager.__exit__(None, None, None)


# What a scripted caller says at a <Record> on the stream when its script gives no words.
MESSAGE_WORDS = "Hello, this is Alex, please call me back about my appointment."


class TestConversations:
    """Twilio's side of the two-way stream (`<Connect><Stream>`, the stream transport):
    opens the WebSocket (signed), sends `start`, then reads what the app sends: its
    voice (`media`, kept per call in `audio`), `mark`s (echoed, as Twilio does once it
    has played the audio before them) and `clear`s (counted). When the app marks that a
    <Gather> waits ("gather-<timeout>-<n>"), the caller is asked: keys go as `dtmf`, words
    as the caller's audio followed by silence, nothing as `timeout` seconds of silence;
    hanging up sends `stop`. The caller's audio is sent at once, not in real time: the
    app's clock for a <Gather> is the audio it receives, so the outcome is the same on a
    busy machine. When the app closes the stream, the call goes on where the app moved
    it (its REST redirect), or with the next verb."""

    __test__ = False

    def __init__(self, client: Any, api: FakeTwilioApi, sign: Callable[..., str],
                 speak: Callable[..., tuple[Samples, int]], *, voice: str = "en-us",
                 said: Callable[[str], list[Heard]] | None = None) -> None:
        self.client = client
        # The words of what the app said to a call since last asked (bench.dialogues'
        # callers listen to words): without it, the caller hears "N bytes of audio".
        self.said = said
        self.api = api
        self.sign = sign
        self.synthesize = speak
        self.voice = voice
        self.audio: dict[str, bytearray] = {}  # per call: what the app said, μ-law
        self.clears: dict[str, int] = {}
        self.marks: dict[str, list[str]] = {}
        # The caller answers a <Gather> before its prompt has been played (barge-in).
        self.barge_in = False
        # Said once over the first <Gather>'s prompt after its first sentence ("mm-hm"):
        # not an answer. The prompt's other marks are held until the app clears them.
        self.backchannel = ""
        self.cleared_at: dict[str, int] = {}  # per call: bytes of our voice at the clear
        # Per call: the bytes of our voice before each mark, in order, and how many of
        # them were marked before the last clear.
        self.pieces: dict[str, list[int]] = {}
        self.cleared_piece: dict[str, int] = {}

    def carry(self, call: SimulatedCall, url: str, parameters: dict[str, str]) -> str | None:
        before = self.api.redirect_count(call.call_sid)
        stream_sid = new_sid("MZ")
        self.audio.setdefault(call.call_sid, bytearray())
        self.marks.setdefault(call.call_sid, [])
        pieces = self.pieces.setdefault(call.call_sid, [])
        marked = len(self.audio[call.call_sid])
        with self.client.websocket_connect(
                urlsplit(url).path, headers={"X-Twilio-Signature": self.sign(url, {})}
        ) as socket:
            sender = _Sender(socket, stream_sid)
            start_stream(socket, call, stream_sid, parameters)
            heard_from = len(call.heard)
            holding: list[str] = []  # marks of audio "still playing"
            while True:
                try:
                    message = json.loads(socket.receive_text())
                except WebSocketDisconnect:
                    break
                kind = message.get("event")
                if kind == "media":
                    audio = base64.b64decode(message["media"]["payload"])
                    self.audio[call.call_sid] += audio
                    if self.said is None:
                        call.heard.append(Heard("Stream", f"{len(audio)} bytes of audio"))
                elif kind == "clear":  # Twilio echoes the marks of what it dropped
                    self.clears[call.call_sid] = self.clears.get(call.call_sid, 0) + 1
                    self.cleared_at[call.call_sid] = len(self.audio[call.call_sid])
                    self.cleared_piece[call.call_sid] = len(pieces)
                    for held in holding:
                        sender.send({"event": "mark", "mark": {"name": held}})
                    holding.clear()
                elif kind == "mark":
                    name = message["mark"]["name"]
                    self.marks[call.call_sid].append(name)
                    pieces.append(len(self.audio[call.call_sid]) - marked)
                    marked = len(self.audio[call.call_sid])
                    if self.said is not None:
                        call.heard.extend(self.said(call.call_sid))
                    if self.backchannel and not name.startswith("record-"):
                        holding.append(name)  # not played yet: the caller talks over it
                        if not name.startswith("gather-"):
                            continue
                        # The first sentence was played; then the caller's "mm-hm".
                        sender.send({"event": "mark", "mark": {"name": holding.pop(0)}})
                        samples, rate = self.synthesize(self.backchannel, voice=self.voice)
                        quiet = np.zeros(2 * rate, dtype=np.int16)
                        sender.frames(stream_frames(np.concatenate([samples, quiet]), rate))
                        self.backchannel = ""
                        continue
                    if not self.barge_in or not name.startswith("gather-"):
                        sender.send({"event": "mark", "mark": {"name": name}})
                    if name.startswith("record-"):  # the beep was played: record
                        if not self._leave(call, sender, int(name.split("-")[1]),
                                           call.heard[heard_from:]):
                            call.ended = True
                            _until_closed(socket)  # the app stores what it recorded
                            return None
                        heard_from = len(call.heard)
                    if name.startswith("gather-"):
                        timeout = int(name.split("-")[1])
                        if not self._answer(call, sender, timeout,
                                            call.heard[heard_from:]):
                            call.ended = True
                            return None
                        heard_from = len(call.heard)
                        if self.barge_in:  # played after the caller answered, if at all
                            sender.send({"event": "mark", "mark": {"name": name}})
        return self.api.redirect(call.call_sid, before)

    def _leave(self, call: SimulatedCall, sender: _Sender, timeout: int,
               heard: list[Heard]) -> bool:
        """The caller's message at a <Record> made on the stream (after its beep): their
        words (or a sentence of `seconds`' worth), then the finish key or hanging up;
        silence is `timeout` seconds of a quiet line. False: they hung up."""
        left = call.caller.record(heard)
        if left is None:
            sender.send({"event": "stop"})
            return False
        if left.seconds > 0:
            words = left.words or MESSAGE_WORDS
            samples, rate = self.synthesize(words, voice=self.voice)
            audio = np.concatenate([samples, np.zeros(rate // 2, dtype=np.int16)])
            sender.frames(stream_frames(audio, rate))
            call.seconds += max(1, len(samples) // rate)
        else:
            sender.frames([b"\xff" * 160] * ((timeout + 1) * 50))
            call.seconds += timeout
            return True
        if left.finish_key == "hangup":
            sender.send({"event": "stop"})
            return False
        sender.send({"event": "dtmf", "dtmf": {"track": "inbound_track",
                                               "digit": left.finish_key[:1]}})
        return True

    def _answer(self, call: SimulatedCall, sender: _Sender, timeout: int,
                heard: list[Heard]) -> bool:
        """The caller's answer to a waiting <Gather>; False: they hung up."""
        answer = call.caller.press(heard)
        if answer is None:
            sender.send({"event": "stop"})
            return False
        if isinstance(answer, Spoken):
            samples, rate = self.synthesize(answer.text, voice=self.voice)
            audio = np.concatenate([samples, np.zeros(rate, dtype=np.int16)])
            # Then quiet for the <Gather>'s timeout, which runs from the end of their
            # speech (the line goes on streaming, as Twilio's does).
            sender.frames(stream_frames(audio, rate) + [b"\xff" * 160] * (timeout * 50))
        elif answer == "":
            sender.frames([b"\xff" * 160] * (timeout * 50))
        else:
            sender.send({"event": "dtmf", "dtmf": {"track": "inbound_track",
                                                   "digit": answer[:1]}})
        call.seconds += timeout
        return True


def _until_closed(socket: Any) -> None:
    """Read what the app still sends until it closes the stream: after the caller hung
    up, it stores the recording in progress before closing (as Twilio's action request
    comes before the call's final status)."""
    while True:
        try:
            socket.receive_text()
        except WebSocketDisconnect:
            return


class _Sender:
    """Twilio's messages on one stream, numbered and stamped as it does."""

    def __init__(self, socket: Any, stream_sid: str) -> None:
        self.socket = socket
        self.stream_sid = stream_sid
        self.sequence = 1
        self.sent_ms = 0

    def send(self, message: dict[str, Any]) -> None:
        self.sequence += 1
        self.socket.send_text(json.dumps({**message, "sequenceNumber": str(self.sequence),
                                          "streamSid": self.stream_sid}))

    def frames(self, frames: list[bytes]) -> None:
        for chunk, frame in enumerate(frames):
            self.send({"event": "media", "media": {
                "track": "inbound", "chunk": str(chunk + 1), "timestamp": str(self.sent_ms),
                "payload": base64.b64encode(frame).decode()}})
            self.sent_ms += 20
