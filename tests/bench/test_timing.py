from __future__ import annotations

from bench.timing import ms, timed


def test_median_and_p95_in_milliseconds() -> None:
    assert ms([0.001 * n for n in range(1, 101)]) == (50.5, 96.0)
    assert ms([0.002]) == (2.0, 2.0)


def test_timed_warms_up_then_runs_repeat_times() -> None:
    calls: list[int] = []

    def run() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    p50, p95, found = timed(run, 10)
    assert len(calls) == 11 and found == 3 and 0 <= p50 <= p95
