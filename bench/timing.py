"""Timing a computation many times in one process: its median and 95th percentile."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sized


def ms(values: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds of durations in seconds."""
    ordered = sorted(values)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000)


def timed(run: Callable[[], Sized], repeat: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, how many items the last run returned), after one warm-up run."""
    found = run()
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        found = run()
        timings.append(time.perf_counter() - began)
    p50, p95 = ms(timings)
    return p50, p95, len(found)
