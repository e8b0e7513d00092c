"""`bench.load --after-start`'s tables: each start's batches, then all starts pooled, the
first batch against the later ones (the load itself runs in the benchmark, not here)."""

from __future__ import annotations

import pytest

from bench.load import CPU_PARTS, Batch, after_start_tables, percentile

IDLE = (0.0, dict.fromkeys(CPU_PARTS, 0.0))


def _batch(start: str, position: int, latencies: list[float]) -> Batch:
    return Batch(start, position, sorted(latencies), IDLE, (10.0, IDLE[1]), 0)


def test_percentile_takes_the_value_at_that_share_of_the_sorted_list() -> None:
    values = [float(v) for v in range(100)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0


def test_the_first_batch_is_compared_with_the_later_batches_of_its_start() -> None:
    slow_first = [0.010] * 99 + [0.080]  # its p99 is its slowest webhook: 80 ms
    done = [_batch("readyz 1", 0, slow_first),
            _batch("readyz 1", 1, [0.010] * 99 + [0.040]),
            _batch("readyz 1", 2, [0.010] * 99 + [0.020]),
            _batch("readyz 2", 0, [0.010] * 100),
            _batch("readyz 2", 1, [0.010] * 100),
            _batch("readyz 2", 2, [0.010] * 100)]
    lines = after_start_tables(done, 50)
    per_start = {line.split(" | ")[0]: line for line in lines if line.startswith("| readyz")}
    # 80 ms against the median of 40 and 20; the later two differ by 2×
    assert per_start["| readyz 1"] == "| readyz 1 | 80 | 40 | 20 | 2.67× | 2.00× |"
    assert per_start["| readyz 2"] == "| readyz 2 | 10 | 10 | 10 | 1.00× | 1.00× |"
    pooled = {line.split(" | ")[1]: line for line in lines if line.startswith("| /readyz")}
    assert set(pooled) == {"first 50", "batch 2", "batch 3"}
    # pooled: 200 webhooks a batch, the p99 is the 198th; the later batches' pooled 400
    first = pooled["first 50"].split(" | ")
    assert first[2:4] == ["2", "200"]
    assert first[4] == "10 (1.00×)" and first[6] == "10 (1.00×)"
    assert pooled["batch 2"].split(" | ")[6] == "10 (1.00×)"
    assert pooled["first 50"].endswith("| 0 | 0% | 0% | 0% | 0% | 100% |")


def test_each_wait_is_pooled_on_its_own() -> None:
    done = [_batch(f"{wait} 1", position, [latency] * 100)
            for wait, first in (("readyz", 0.010), ("healthz", 0.500))
            for position, latency in enumerate((first, 0.010))]
    rows = [line for line in after_start_tables(done, 50) if line.startswith("| /")]
    assert [row.split(" | ")[:2] for row in rows] == [
        ["| /readyz", "first 50"], ["| /readyz", "batch 2"],
        ["| /healthz", "first 50"], ["| /healthz", "batch 2"]]
    assert rows[2].split(" | ")[6] == "500 (50.00×)"


@pytest.mark.parametrize("batches", [0, 1])
def test_fewer_than_two_batches_are_refused(batches: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import load

    monkeypatch.setattr("sys.argv", ["load", "--after-start", "5", "--batches",
                                     str(batches)])
    with pytest.raises(SystemExit):
        load.main()
