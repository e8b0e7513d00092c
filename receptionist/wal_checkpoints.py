"""SQLite's WAL checkpoints, moved off the request that happens to commit.

In WAL mode each commit appends to the `-wal` file; once it holds
`wal_autocheckpoint` pages (1,000 by default), the connection that commits copies them
back into the database file and syncs it, before its commit returns. On the call path
that connection is a webhook's, run on the event loop: a few milliseconds of copying and
an fsync that every request waiting behind it waits for too.

Played in-process (`callbacks.answer`, 2,000 calls of 3 webhooks, runs interleaved):
with SQLite's own checkpoints 68–84 webhooks took over 5 ms (p99 5.2–6.0 ms, p99.9
6.8–7.3); checkpointed from this thread every 0.2 s, 5–9 did (p99 1.7–2.0 ms, p99.9
4.4–8.4). Every second instead, the rare webhook that met a checkpoint under way
waited longer (p99.9 7.5–17 ms, at most 42). That wait is not the sync (it stays with
the checkpointer's sync turned off) nor the GIL (it stays with the checkpoints run by
another process): SQLite's locks, held longer by a bigger checkpoint.

`Checkpoints` gives the serving process's connections a much higher threshold (a safety
net should this thread stall) and checkpoints from a thread of its own, passively: it
never waits for a reader or a writer, and the GIL is released while SQLite copies and
syncs. Other processes (the CLI, a separate worker) keep SQLite's default.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

# Pages the WAL may hold before a committing connection checkpoints it itself: ~40 MB of
# 4 KB pages, reached only if the background checkpoints stop keeping up.
SAFETY_NET_PAGES = 10_000
INTERVAL_SECONDS = 0.2  # small checkpoints: see above
THREAD_NAME = "sqlite-checkpoints"


def checkpointed(engine: Engine) -> bool:
    """Whether `engine` is a SQLite database in a file (in memory: no WAL to checkpoint)."""
    url = engine.url
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


class Checkpoints:
    """Checkpoints `engine`'s WAL every `interval` seconds from a thread (`start`,
    `stop`); the writers' engines (`writers`) checkpoint only past `SAFETY_NET_PAGES`."""

    def __init__(self, engine: Engine, writers: tuple[Engine, ...], *,
                 interval: float = INTERVAL_SECONDS) -> None:
        self._engine = engine
        self._writers = writers
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ran = threading.Event()  # set after each background checkpoint (tests)

    def start(self) -> None:
        for writer in self._writers:
            if not event.contains(writer, "connect", _safety_net):
                event.listen(writer, "connect", _safety_net)
            writer.pool.dispose()  # idle connections reopen with the safety net
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def checkpoint(self) -> tuple[int, int, int]:
        """One passive checkpoint: SQLite's (busy, pages in the WAL, pages checkpointed)."""
        with self._engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(row[0]), int(row[1]), int(row[2])

    def _run(self) -> None:
        failing = False
        while not self._stop.wait(self._interval):
            try:
                self.checkpoint()
            except Exception as exc:  # the database unreachable: the next round retries
                if not failing:  # said once, not every round of an outage
                    log.warning("WAL checkpoints failing, retried every %g s: %s",
                                self._interval, exc)
                failing = True
            else:
                if failing:
                    log.info("WAL checkpoints working again")
                failing = False
            self.ran.set()


def _safety_net(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
    cursor.close()
