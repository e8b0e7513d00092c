"""The database a benchmark runs on: a SQLite file, or a PostgreSQL server started from
Debian's binaries for the run (`--database postgresql`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.postgres_server import running_postgres

CHOICES = ("sqlite", "postgresql")


@contextmanager
def bench_database(kind: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of an empty database `name` of that kind, in `folder`, for the block."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    folder.chmod(0o755)  # the server runs as the postgres user
    with running_postgres(folder / "pg") as server:
        server.execute(f"CREATE DATABASE {name}")
        yield server.url(name)
