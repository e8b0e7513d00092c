"""Where the cores go in the benchmarks: CPU time of a process, of its children (live and
already reaped), and of the whole tree, read from /proc."""

from __future__ import annotations

import subprocess
import sys

from bench.process_cpu import children_seconds, own_seconds, tree_seconds
from tests.waiting import PATIENCE_S, wait_until

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def _burn(seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", BURN.format(seconds=seconds)])


def test_a_child_burning_cpu_counts_for_its_parent_tree_not_for_the_parent_itself() -> None:
    parent = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {BURN.format(seconds=0.6)!r}])\n"
        "child.wait()\n"
        "import time; time.sleep(600)\n")])  # until killed
    try:
        wait_until(lambda: children_seconds(parent.pid) >= 0.5,
                   "the child's CPU time to count for its parent")
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
        child.wait(timeout=PATIENCE_S)
    finally:
        child.kill()
    # Gone and reaped by this process: not a live process any more.
    assert own_seconds(child.pid) == 0.0
    burning = _burn(5)
    try:
        wait_until(lambda: own_seconds(burning.pid) >= 0.3, "0.3 s of CPU time burnt")
        own = own_seconds(burning.pid)
        assert own >= 0.3
        assert tree_seconds(burning.pid) >= own  # read later: it only grows
    finally:
        burning.kill()
        burning.wait()
