"""Waiting in tests for something that will happen, however busy the machine is.

A test may wait for another process or thread (a server starting, a worker delivering),
never bet on how long that takes: it waits until the thing happened, and only a deadline
far beyond any machine's speed ends the wait, failing the test with a message saying
what did not happen (never going on as if it had, or had not)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

# Far beyond how long anything the tests wait for takes on a busy 2-core machine.
PATIENCE_S = 180.0


def wait_until(condition: Callable[[], object], what: str, *,
               timeout: float = PATIENCE_S, poll_s: float = 0.05) -> None:
    """Return once `condition()` is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll_s)
