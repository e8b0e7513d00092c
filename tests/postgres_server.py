"""A real PostgreSQL server for the tests: Debian's binaries (installed through
packaging/apt-packages.txt), a throwaway cluster on loopback, stopped at the end.

`RECEPTIONIST_TEST_DATABASE=postgresql` runs the suite on it; `RECEPTIONIST_TEST_PG_URL`
points the suite at a server that is already running instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

USER = "receptionist"


def _bindir() -> Path:
    """The newest /usr/lib/postgresql/N/bin (Debian keeps initdb and postgres there)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make deps` installs "
                           "packaging/apt-packages.txt (package postgresql)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: CI machines run as root, so drop to `postgres`."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


class PostgresServer:
    """One cluster in `folder`, listening on 127.0.0.1:`port`; `stop()`/`start()` are a real
    restart of the server (the fault tests use them)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.bindir = _bindir()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} dbname={database}"

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        done = subprocess.run(_as_server_user([
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync"]), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()}")

    def start(self) -> None:
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - lives with the server
        self.process = subprocess.Popen(_as_server_user([
            str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
            "-h", "127.0.0.1", "-k", str(self.folder),
            # A test cluster: durability is not what is under test, speed is welcome.
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=64MB"]),
            stdout=log, stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 180  # however busy the machine
        while True:
            try:
                psycopg.connect(self.dsn(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("PostgreSQL did not start: see "
                                       f"{self.folder / 'server.log'}") from None
                time.sleep(0.1)

    def stop(self, *, fast: bool = True) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGINT is a "fast" shutdown: open sessions are cut, as in a real restart. It goes
        # to the postmaster itself (runuser, in between, does not pass signals on).
        pid_file = self.data / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else self.process.pid
        os.kill(pid, signal.SIGINT if fast else signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def execute(self, sql: str) -> None:
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.encode())


@contextmanager
def running_postgres(folder: Path) -> Iterator[PostgresServer]:
    server = PostgresServer(folder)
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.stop()
