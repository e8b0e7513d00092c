"""Word edit distance, the benches' one measure of how far a transcript is from what was
said (word error rate: this over the reference's length)."""

from __future__ import annotations

from collections.abc import Sequence


def word_errors(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Levenshtein distance in words: substitutions, insertions and deletions."""
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[len(hypothesis)]
