"""A client that drops its connection in the middle of a request body made the app log an
ERROR with a traceback (starlette's ClientDisconnect), twice (ours and uvicorn's): anyone
could fill the error log and page whoever watches it. A dropped client is now a DEBUG line:
nothing to answer, nothing went wrong on our side.

The requests go to a real uvicorn server over a socket: the test client never disconnects."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from receptionist.config import Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime
from tests.conftest import serving


class Finished:
    """Wraps the app: tells when each request's handling is over, and what escaped it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.done = threading.Semaphore(0)
        self.escaped: list[BaseException] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except BaseException as exc:
            if scope["type"] == "http":
                self.escaped.append(exc)
            raise
        finally:
            if scope["type"] == "http":
                self.done.release()


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    """Every log record, uvicorn's included (its loggers do not propagate to the root)."""
    handler = Records()
    loggers = [logging.getLogger(), logging.getLogger("uvicorn"),
               logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> Finished:
    return Finished(create_app(settings, runtime=runtime))


@pytest.fixture
def port(app: Finished) -> Iterator[int]:
    with serving(app) as bound:
        yield bound


def _cut_short(port: int, path: str, headers: dict[str, str]) -> None:
    """Announce 4000 bytes, send 100, hang up."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4000\r\n"
                 f"{head}\r\n".encode() + b"a" * 100)
    sock.close()


@pytest.mark.parametrize(("path", "content_type"), [
    ("/api/v1/tenants/demo/appointments", "application/json"),
    ("/admin/login", "application/x-www-form-urlencoded"),
    ("/twilio/voice", "application/x-www-form-urlencoded"),
])
def test_a_dropped_body_logs_no_error(port: int, app: Finished, records: Records,
                                      client: TestClient, demo_token: str, path: str,
                                      content_type: str) -> None:
    _cut_short(port, path, {"Content-Type": content_type,
                            "Authorization": f"Bearer {demo_token}"})
    assert app.done.acquire(timeout=30), "the server never finished the request"
    # The server finished logging about that request before it answers another one.
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert sock.recv(64).startswith(b"HTTP/1.1 200")
    sock.close()
    assert app.escaped == []
    errors = [r for r in records.records if r.levelno >= logging.WARNING]
    assert errors == [], [r.getMessage() for r in errors]
    assert not any(r.exc_info for r in records.records)
