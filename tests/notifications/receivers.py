"""Real receivers for the owner's channels: an SMTP server (aiosmtpd) and an HTTP webhook
endpoint that checks our signature."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BusyHTTPServer(ThreadingHTTPServer):
    """Many deliveries arrive at once (the outbox sends in parallel): a longer accept
    queue than http.server's default of 5."""

    request_queue_size = 128


class Mailbox:
    """aiosmtpd on loopback; `messages` holds what it accepted, parsed."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def start(self) -> Mailbox:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class WebhookReceiver:
    """Accepts signed JSON posts; answers the statuses queued in `replies` first.

    `hang_after(n)`: the requests after the n-th get no answer until `answer_again()`,
    which drops them unrecorded (their sender gave up or died meanwhile): a receiver that
    hangs, as long as a test needs, whatever the speed of the machine."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.events: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.bad_signatures = 0
        self.replies: list[int] = []
        self._lock = threading.Lock()
        self._requests = 0
        self._answered_until: int | None = None  # requests answered before hanging
        self._hanging = threading.Event()
        self._hanging.set()  # set: not hanging (a held request may go on)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver._hold():
                    self.close_connection = True
                    return  # dropped: no answer, nothing recorded
                timestamp = self.headers.get("X-Receptionist-Timestamp", "")
                expected = "v1=" + hmac.new(receiver.secret.encode(),
                                            f"{timestamp}.".encode() + body,
                                            hashlib.sha256).hexdigest()
                given = self.headers.get("X-Receptionist-Signature", "")
                with receiver._lock:
                    status = receiver.replies.pop(0) if receiver.replies else 200
                    if not hmac.compare_digest(expected, given):
                        receiver.bad_signatures += 1
                        status = 401
                    elif status < 300:
                        receiver.events.append(json.loads(body))
                        receiver.keys.append(self.headers.get("Idempotency-Key", ""))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = BusyHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/calls"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def hang_after(self, answered: int) -> None:
        """Answer `answered` more requests, then none until `answer_again()`."""
        with self._lock:
            self._answered_until = self._requests + answered
            self._hanging.clear()

    def answer_again(self) -> None:
        with self._lock:
            self._answered_until = None
            self._hanging.set()

    def _hold(self) -> bool:
        """Whether this request is one to hang on: if so, it returns once the receiver
        answers again (or closes)."""
        with self._lock:
            self._requests += 1
            held = self._answered_until is not None and self._requests > self._answered_until
        if held:
            self._hanging.wait()
        return held

    def close(self) -> None:
        self.answer_again()
        self.server.shutdown()
        self.server.server_close()
