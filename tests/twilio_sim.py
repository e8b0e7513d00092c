"""Twilio's role in tests (DESIGN.md §6).

`TestTwilioSim` places whole calls against the app (the call logic is the package's own
simulator, shared with `receptionist simulate`); `FakeTwilioApi` is a real HTTP server on
loopback standing in for Twilio's REST API: it serves recordings behind HTTP basic auth
(account SID + auth token), with injectable failures.
"""

from __future__ import annotations

import base64
import io
import math
import re
import struct
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from receptionist.twilio.simulator import SimulatedCall, TwilioSim

__all__ = ["FakeTwilioApi", "SimulatedCall", "TestTwilioSim", "tone_wav"]


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
    """Serves GET /2010-04-01/Accounts/{AC}/Recordings/{RE}.wav with basic auth."""

    def __init__(self, *, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.recordings: dict[str, bytes] = {}
        self.failures_left = 0
        self.failure_status = 500
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                status, body, ctype = api.handle_get(self.path, self.headers.get("Authorization"))
                with api._lock:
                    api.requests.append(("GET", self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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

    def handle_get(self, path: str, authorization: str | None) -> tuple[int, bytes, str]:
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != expected:
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
