"""Real HTTP servers on loopback for the outbound attacks: a canary that notes every request
it gets (an internal service the attacker aims at), and servers that answer one fixed
response to every method (a redirect, a page of HTML)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    status: int = 404
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass
class Server:
    host: str
    port: int
    seen: list[str] = field(default_factory=list)  # "METHOD /path" of each request

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def answering(answer: Answer, host: str = "127.0.0.1") -> Iterator[Server]:
    """A threaded HTTP server on `host` (a free port) answering `answer` to anything."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def handle_one_request(self) -> None:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline or not self.parse_request():
                self.close_connection = True
                return
            seen.append(f"{self.command} {self.path}")
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)
            self.wfile.flush()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(host=host, port=int(server.server_address[1]), seen=seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def canary(host: str = "127.0.0.1") -> AbstractContextManager[Server]:
    """An internal service: whatever reaches it is a successful attack."""
    return answering(Answer(200, (("Content-Type", "text/plain"),), b"internal"), host)
