"""The benches' word edit distance."""

from __future__ import annotations

from bench.word_distance import word_errors


def test_counts_substitutions_insertions_and_deletions() -> None:
    said = ["whoever", "is", "free", "first"]
    assert word_errors(said, said) == 0
    assert word_errors(said, ["the", "bird's", "free", "bird"]) == 3
    assert word_errors(said, ["whoever", "is", "free"]) == 1
    assert word_errors(said, ["whoever", "is", "very", "free", "first"]) == 1
    assert word_errors([], ["yes"]) == 1 and word_errors(["no"], []) == 1
