"""Finding 2: a 256 MB body was read (and grew the process by 500 MB) before the JSON API
looked at the token. Now the token or the admin session is checked on the headers, and
every body is cut off at MAX_BODY_BYTES while it streams.

The attacks go to a real uvicorn server over a socket, chunked (no Content-Length), because
the test client buffers a whole body before the app sees it. A counter between the server
and the app says how many body bytes the app pulled, which is what it could hold."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from receptionist import request_guards
from receptionist.admin import sessions
from receptionist.config import Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime
from tests.admin.helpers import login
from tests.conftest import serving
from tests.security.conftest import OWNER
from tests.waiting import PATIENCE_S

MB = 1024 * 1024
BOOK = "/api/v1/tenants/demo/appointments"


class Pulled:
    """Counts the body bytes the app pulls from the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bytes = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            message = await receive()
            self.bytes += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


@pytest.fixture
def pulled(settings: Settings, runtime: Runtime) -> Pulled:
    return Pulled(create_app(settings, runtime=runtime))


@pytest.fixture
def port(pulled: Pulled) -> Iterator[int]:
    with serving(pulled) as bound:
        yield bound


def flood(port: int, path: str, headers: dict[str, str], megabytes: int = 256
          ) -> tuple[int, int]:
    """POST `megabytes` of chunked body; (status, bytes the socket took) once the server
    answers or stops reading."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE_S)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                 f"{head}\r\n".encode())
    sock.settimeout(0.5)
    chunk = f"{MB:x}\r\n".encode() + b"a" * MB + b"\r\n"
    sent = 0
    try:
        for _ in range(megabytes):
            sent += sock.send(chunk)
    except OSError:  # the server answered and closed, or stopped reading
        pass
    sock.settimeout(PATIENCE_S)  # the answer comes, however busy the machine
    answer = b""
    try:
        while b"\r\n" not in answer:
            part = sock.recv(4096)
            if not part:
                break
            answer += part
    finally:
        sock.close()
    return int(answer.split(b" ", 2)[1]), sent


def test_api_without_token_refuses_before_reading(port: int, pulled: Pulled) -> None:
    status, _ = flood(port, BOOK, {"Content-Type": "application/json"})
    assert status == 401
    assert pulled.bytes == 0


def test_api_declared_oversized_body_is_413(client: TestClient, demo_token: str) -> None:
    response = client.post(BOOK, content=b"{" + b" " * (300 * 1024) + b"}", headers={
        "Authorization": f"Bearer {demo_token}", "Content-Type": "application/json"})
    assert response.status_code == 413


def test_api_streamed_body_is_cut_off_at_the_limit(port: int, pulled: Pulled,
                                                   demo_token: str, settings: Settings) -> None:
    status, sent = flood(port, BOOK, {"Authorization": f"Bearer {demo_token}",
                                      "Content-Type": "application/json"})
    assert status == 413
    assert pulled.bytes <= settings.max_body_bytes + MB
    assert sent < 64 * MB  # the server stopped reading long before 256 MB


def test_twilio_streamed_body_is_cut_off(port: int, pulled: Pulled, settings: Settings) -> None:
    status, _ = flood(port, "/twilio/voice", {
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"})
    assert status == 413
    assert pulled.bytes <= settings.max_body_bytes + MB


@pytest.mark.usefixtures("accounts")
def test_admin_form_without_session_is_not_read(port: int, pulled: Pulled) -> None:
    status, _ = flood(port, "/admin/t/demo/settings/retention",
                      {"Content-Type": "application/x-www-form-urlencoded",
                       "Cookie": f"{sessions.COOKIE}=forged.0000"})
    assert status == 303
    assert pulled.bytes == 0


@pytest.mark.usefixtures("accounts")
def test_admin_forms_are_limited_too(port: int, pulled: Pulled, settings: Settings,
                                     client: TestClient) -> None:
    status, _ = flood(port, "/admin/login", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and pulled.bytes <= settings.max_body_bytes + MB
    assert login(client, OWNER)[0] == 200
    cookie = client.cookies.get(sessions.COOKIE)
    assert cookie
    pulled.bytes = 0
    status, _ = flood(port, "/admin/password", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{sessions.COOKIE}={cookie}"})
    assert status == 413 and pulled.bytes <= settings.max_body_bytes + MB


@pytest.mark.usefixtures("accounts")
def test_nul_characters_are_refused_everywhere(client: TestClient, demo_token: str) -> None:
    """Found by the admin form fuzz on PostgreSQL (which cannot store NUL): a 500."""
    assert login(client, OWNER)[0] == 200
    form = client.post("/admin/t/demo/settings/tokens", content=b"csrf=x&name=%00",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 400 and "NUL" in form.text
    api = client.post(BOOK, content=b'{"starts_at": "2026-11-18T16:00:00Z", '
                                    b'"caller_name": "a\\u0000b"}', headers={
        "Authorization": f"Bearer {demo_token}", "Content-Type": "application/json"})
    assert api.status_code == 400
    assert client.get("/admin/t/demo/inbox?q=%00").status_code == 400
    assert client.get("/admin/t/demo/inbox?q=100%25").status_code == 200  # "%" is fine


@pytest.mark.parametrize(("data", "nul"), [
    (b"a\x00b", True), (b"name=%00", True), (b'"a\\u0000b"', True), (b'"a\\U0000b"', True),
    (b"name=%2500", False), (b"100%25", False), (b'"a\\u00e9"', False), (b"u0000", False),
    (b"%0", False), (b"", False)])
def test_what_counts_as_a_nul(data: bytes, nul: bool) -> None:
    assert request_guards._has_nul(data) is nul
