"""Several real web instances (uvicorn processes) of one deployment, for the scale-out and
fault tests and bench/load.py: Twilio's webhooks and media streams spread over them in
turn, as a round-robin proxy would, failing over to the next one when an instance is down
(Twilio's fallback URL pointing at the proxy does the same)."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from receptionist.demo import demo_script_text
from receptionist.twilio.simulator import HttpPoster, TwilioSim
from receptionist.weekly_hours import DAYS

# Waits for processes (an instance starting, a request answered): far beyond how long they
# take on a busy machine. A request that outlasts it counts as a dead instance (failover).
PATIENCE_S = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def always_open(filename: str = "demo.yaml") -> str:
    """A demo script whose office (and agenda) is open around the clock: tests on the real
    clock must not depend on the time of day they run."""
    text = demo_script_text(filename)
    hours = "hours:\n" + "".join(f'  {day}: ["00:00-24:00"]\n' for day in DAYS)
    return text.replace(text[text.index("hours:"):text.index("start:")], hours)


class Instance:
    """`receptionist serve --no-jobs` on its own port (a web instance, no background jobs)."""

    def __init__(self, env: dict[str, str], folder: Path, name: str) -> None:
        self.env, self.folder, self.name = env, folder, name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = PATIENCE_S) -> Instance:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "receptionist.cli", "serve", "--no-jobs",
             "--port", str(self.port)], env=self.env, cwd=self.folder, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.log_path.read_text()}")
            time.sleep(0.1)

    def wait_ready(self, timeout: float = PATIENCE_S) -> Instance:
        """Until /readyz says 200 (its speech and intent models loaded)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if (self.process is not None and self.process.poll() is not None) \
                    or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} never got ready:\n{self.log()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the process dies mid-request, as in a crash or an OOM kill."""
        if self.process is not None and self.process.poll() is None:
            # The whole group: its recognition processes die with it, as in a container.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


_TLS = ssl.create_default_context()


class RoundRobin:
    """An HttpPoster (see receptionist.twilio.simulator) over several instances: each
    request goes to the next instance; one that cannot be reached is skipped (counted)."""

    def __init__(self, instances: list[Instance], timeout: float = PATIENCE_S) -> None:
        self.instances = instances
        self.timeout = timeout
        # One connection pool per thread (calls run in parallel threads in bench/load.py).
        self._local = threading.local()
        self._all: list[httpx.Client] = []
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self.served: Counter[str] = Counter()
        self.failovers = 0
        self.statuses: Counter[int] = Counter()

    @property
    def clients(self) -> list[httpx.Client]:
        clients: list[httpx.Client] | None = getattr(self._local, "clients", None)
        if clients is None:
            # One TLS context for all: building one costs ~10 ms of CPU, per client.
            clients = [httpx.Client(base_url=i.url, timeout=self.timeout, verify=_TLS)
                       for i in self.instances]
            self._local.clients = clients
            with self._lock:
                self._all.extend(clients)
        return clients

    def _order(self) -> list[int]:
        """Each instance once from the next in turn, then the first again: a kept-alive
        connection the instance just closed fails once, and a proxy retries it."""
        with self._lock:
            first = next(self._turn) % len(self.instances)
        count = len(self.instances)
        return [(first + k) % count for k in range(count)] + [first]

    def post(self, url: str, *, data: dict[str, str], headers: dict[str, str]) -> Any:
        error: Exception | None = None
        for index in self._order():
            try:
                response = self.clients[index].post(url, data=data, headers=headers)
            except httpx.TransportError as exc:  # down: the next instance answers
                error = exc
                with self._lock:
                    self.failovers += 1
                continue
            with self._lock:
                self.served[self.instances[index].name] += 1
                self.statuses[response.status_code] += 1
            return response
        raise RuntimeError(f"no instance answered {url}: {error}")

    def websocket_connect(self, path: str, headers: dict[str, str]) -> _Socket:
        """For TestMediaStreams: the <Stream> WebSocket, to the next live instance."""
        error: Exception | None = None
        for index in self._order():
            base = self.instances[index].url.replace("http://", "ws://")
            try:
                connection = connect(base + path, additional_headers=headers,
                                     open_timeout=self.timeout)
            except OSError as exc:
                error = exc
                continue
            with self._lock:
                self.served[self.instances[index].name + " ws"] += 1
            return _Socket(connection)
        raise RuntimeError(f"no instance accepted the media stream: {error}")

    def close(self) -> None:
        with self._lock:
            clients, self._all = self._all, []
        for client in clients:
            client.close()


class _Socket:
    """A websockets connection with the TestClient WebSocket methods TestMediaStreams uses."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    def __enter__(self) -> _Socket:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.connection.close()

    def send_text(self, text: str) -> None:
        with contextlib.suppress(Exception):  # the instance died: the call goes on
            self.connection.send(text)


def twilio_through(proxy: HttpPoster, api: Any, *, public_base: str, auth_token: str,
                   account_sid: str) -> TwilioSim:
    """Twilio's side of calls sent through `proxy`; `api` (a FakeTwilioApi) serves the
    recordings the callers leave."""
    return TwilioSim(http=proxy, public_base=public_base, auth_token=auth_token,
                     account_sid=account_sid, recordings_base=api.base_url,
                     on_recording=api.add_recording)
