"""Login attempts per client address: beyond LIMIT failures in WINDOW, more attempts from
that address get 429 until the window moves on. Complements the per-account lockout
(which a spray across many accounts would not trigger). In memory, per process."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta

LIMIT = 20
WINDOW = timedelta(minutes=10)


class LoginThrottle:
    def __init__(self, limit: int = LIMIT, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, address: str, now: datetime) -> deque[datetime]:
        failures = self._failures[address]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, address: str, now: datetime) -> bool:
        with self._lock:
            return len(self._trim(address, now)) >= self.limit

    def failed(self, address: str, now: datetime) -> None:
        with self._lock:
            self._trim(address, now).append(now)
            if len(self._failures) > 100_000:  # bounded memory under a wide attack
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]
