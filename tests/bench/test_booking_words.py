"""The booking words' evaluation reads its corpus and grades honestly."""

from __future__ import annotations

from bench.booking_words import corpus, evaluate, grade


def test_grades() -> None:
    assert grade("martin", "martin") == "right" and grade("-", None) == "right"
    assert grade("martin", None) == "asked" and grade("-", "martin") == "wrong"


def test_no_type_is_ever_picked_wrong_and_practitioners_rarely() -> None:
    for language in ("en", "fr"):
        counts, _ = evaluate(language)
        total = len(corpus(language))
        assert total >= 30
        assert counts["type:right"] + counts["type:asked"] == total  # never a wrong type
        assert counts["who:wrong"] <= 1
        assert counts["who:right"] >= 0.9 * total
