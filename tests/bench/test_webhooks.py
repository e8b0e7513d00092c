"""bench.webhooks' shares: the median of rounds measured pair by pair."""

from __future__ import annotations

from bench.webhooks import Stats, share, throughput


def test_a_share_is_the_median_of_the_rounds_shares_with_their_range() -> None:
    # Each round's pair is divided by its own: the floor's slow third round (the machine
    # slowed down for both) does not make ours look faster than the others.
    assert share([600.0, 660.0, 300.0], [1000.0, 1000.0, 500.0]) == "60% [60–66]"
    assert share([500.0, 700.0, 640.0], [1000.0, 1000.0, 1000.0]) == "64% [50–70]"


def test_one_round_is_its_share_alone() -> None:
    assert share([550.0], [1000.0]) == "55%"


def test_throughput_is_requests_over_elapsed_time() -> None:
    assert throughput(Stats(all=[1.0] * 300, elapsed=0.5)) == 600.0
