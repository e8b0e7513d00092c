"""CPU time of processes and their children, read from Linux /proc: where the cores go
during a benchmark (the server, its recognition processes, PostgreSQL, the load
generator)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    """CPU seconds of one process: its own, and that of its children it has reaped."""

    own: float
    reaped: float


def _table() -> dict[int, tuple[int, Usage]]:
    """pid -> (parent pid, usage) of every live process."""
    table: dict[int, tuple[int, Usage]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
        table[int(stat.parent.name)] = (int(fields[1]), Usage(
            (utime + stime) / _TICKS, (cutime + cstime) / _TICKS))
    return table


def _descendants(table: dict[int, tuple[int, Usage]], pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


def own_seconds(pid: int) -> float:
    """CPU seconds of one process alone (not its children)."""
    entry = _table().get(pid)
    return 0.0 if entry is None else entry[1].own


def children_seconds(pid: int) -> float:
    """CPU seconds of a process's descendants, live ones and those already reaped."""
    table = _table()
    entry = table.get(pid)
    total = 0.0 if entry is None else entry[1].reaped
    for child in _descendants(table, pid):
        usage = table[child][1]
        total += usage.own + usage.reaped
    return total


def tree_seconds(pid: int) -> float:
    """CPU seconds of a process and all its descendants."""
    return own_seconds(pid) + children_seconds(pid)
