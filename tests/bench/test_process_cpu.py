"""Where the cores go in the benchmarks: CPU time of a process, of its children (live and
already reaped), and of the whole tree, read from /proc."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from bench.process_cpu import children_seconds, own_seconds, tree_seconds

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def _burn(seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", BURN.format(seconds=seconds)])


def _wait_until(done: Callable[[], bool], limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_child_burning_cpu_counts_for_its_parent_tree_not_for_the_parent_itself() -> None:
    parent = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {BURN.format(seconds=0.6)!r}])\n"
        "child.wait()\n"
        "import time; time.sleep(5)\n")])
    try:
        _wait_until(lambda: children_seconds(parent.pid) >= 0.5)
        # The child has finished and been reaped: its time is the parent's children's.
        children = children_seconds(parent.pid)
        assert children >= 0.5
        assert own_seconds(parent.pid) < 0.5
        assert tree_seconds(parent.pid) >= children
    finally:
        parent.kill()
        parent.wait()


def test_a_live_process_is_counted_while_it_runs() -> None:
    child = _burn(0.4)
    try:
        child.wait(timeout=20)
    finally:
        child.kill()
    # Gone and reaped by this process: not a live process any more.
    assert own_seconds(child.pid) == 0.0
    burning = _burn(5)
    try:
        _wait_until(lambda: own_seconds(burning.pid) >= 0.3)
        own = own_seconds(burning.pid)
        assert own >= 0.3
        assert tree_seconds(burning.pid) >= own  # read later: it only grows
    finally:
        burning.kill()
        burning.wait()
