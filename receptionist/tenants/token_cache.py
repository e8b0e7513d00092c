"""API tokens already checked, kept a few seconds so that a client's next requests need
no statement and, on PostgreSQL, no thread hop for their token.

Measured with `python -m bench.booking --database postgresql`: reading the token with its
business before each request was about a quarter of an API request's server CPU (one
statement and one thread hop of two). A client sends its token on every request, so the
answer of the last few seconds is almost always still true.

What is kept, and for how long:
- only tokens that were found (an unknown token is read every time: nobody can fill the
  cache with guesses), keyed by their SHA-256 (no token is held in the clear), at most
  `MAX_ENTRIES` (the oldest go first);
- `TTL_S` seconds from when it was read. A token revoked in this process is forgotten at
  once and never kept again (`forget`: a request that read it just before the
  revocation cannot put it back); revoked through another instance or the CLI, it keeps
  working here
  for at most `TTL_S` seconds. The business read with it (its published script version,
  language, time zone) is as old as that too;
- each request gets its own copy of the business (`Tenant`), never an object another
  request may be using in its session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from receptionist.orm_rows import RowMaker
from receptionist.tenants.models import Tenant
from receptionist.tenants.tokens import TokenGrant, bearer_digest

TTL_S = 5.0
MAX_ENTRIES = 1024
# The business handed out with a kept grant: a new object each time (a request may change
# or attach its own), in ~4 µs instead of `Tenant(...)`'s ~30, on every API request.
_NEW_TENANT = RowMaker(Tenant)


@dataclass(frozen=True)
class _Kept:
    tenant_id: int
    user_id: int | None
    tenant: dict[str, Any]  # the business's columns, copied into each answer
    until: float


class TokenCache:
    def __init__(self, *, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._clock = clock
        self._kept: dict[str, _Kept] = {}
        # Revoked here (a revoked token never comes back): never kept again. Oldest first.
        self._revoked: dict[str, None] = {}
        self._lock = threading.Lock()

    def get(self, header: str) -> TokenGrant | None:
        """The grant read for this `Authorization` header less than `TTL_S` ago, if any."""
        key = bearer_digest(header)
        if key is None:
            return None
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept.until <= self._clock():
                del self._kept[key]
                kept = None
        if kept is None:
            return None
        return TokenGrant(tenant_id=kept.tenant_id, user_id=kept.user_id,
                          tenant=_NEW_TENANT.new(**kept.tenant))

    def put(self, header: str, grant: TokenGrant) -> None:
        """Keep a grant just read from the database for this header."""
        key = bearer_digest(header)
        if key is None:
            return
        kept = _Kept(tenant_id=grant.tenant_id, user_id=grant.user_id,
                     tenant=grant.tenant.model_dump(), until=self._clock() + self._ttl_s)
        with self._lock:
            if key in self._revoked:
                return
            self._kept.pop(key, None)
            while len(self._kept) >= self._max:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = kept

    def forget(self, token_sha256: str) -> None:
        """A token revoked here: every later request with it is checked in the database."""
        with self._lock:
            self._kept.pop(token_sha256, None)
            self._revoked[token_sha256] = None
            while len(self._revoked) > self._max:
                del self._revoked[next(iter(self._revoked))]

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

