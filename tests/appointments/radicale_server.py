"""A real CalDAV server for tests: Radicale on loopback, with one user."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import caldav

USER, PASSWORD = "owner", "calendar-secret"


@dataclass
class Radicale:
    base: str
    proc: subprocess.Popen[bytes]

    def client(self) -> Any:  # caldav types every call as "result or coroutine"
        make: Any = caldav.DAVClient
        return make(url=f"{self.base}/{USER}/", username=USER, password=PASSWORD,
                    require_tls=False, enable_rfc6764=False, timeout=10)

    def make_calendar(self, name: str) -> str:
        """A new calendar for the owner; returns its URL."""
        principal = self.client().principal()
        calendar = principal.make_calendar(name=name, cal_id=name)
        return str(calendar.url)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def radicale(folder: Path, port: int | None = None) -> Iterator[Radicale]:
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    (folder / "config").write_text(f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {folder / 'users'}
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = {folder / 'collections'}
[logging]
level = warning
""")
    log = (folder / "radicale.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "radicale", "--config",
                             str(folder / "config")], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 180  # however busy the machine
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise RuntimeError(f"radicale exited: {(folder / 'radicale.log').read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"radicale did not listen within 180 s: "
                                   f"{(folder / 'radicale.log').read_text()}")
            time.sleep(0.05)
        yield Radicale(base=f"http://127.0.0.1:{port}", proc=proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
