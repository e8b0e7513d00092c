"""The booking words' evaluation reads its corpus and grades honestly."""

from __future__ import annotations

from bench.booking_words import corpus, evaluate, grade


def test_grades() -> None:
    assert grade("martin", "martin") == "right" and grade("-", None) == "right"
    assert grade("martin", None) == "asked" and grade("-", "martin") == "wrong"


def test_types_and_practitioners_are_rarely_picked_wrong() -> None:
    for language in ("en", "fr"):
        counts, _ = evaluate(language)
        total = len(corpus(language))
        assert total >= 30
        # Almost never a wrong type. Known, French: « est-ce que la docteure Okafor
        # consulte le lundi » is heard as the consultation type (the verb shares the stem).
        assert counts["type:wrong"] <= 1
        assert counts["who:wrong"] <= 1
        assert counts["who:right"] >= 0.9 * total
