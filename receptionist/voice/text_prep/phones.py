"""Phone numbers read in groups, never as one big number ("4155550100" is not "four
billion…"). English: digit by digit, a pause between the groups written ("415 555 0100"
-> "4 1 5, 5 5 5, 0 1 0 0"; ten digits unspaced are grouped 3-3-4). French: in pairs as
they are said (« 06 12 34 56 78 » -> « 0 6, 12, 34, 56, 78 »)."""

from __future__ import annotations

import re

_PHONE = re.compile(r"(?<![\w.,])(\+?\d[\d .\-\u00a0]{5,18}\d)(?![\w])")
MIN_DIGITS = 7


def _groups(raw: str) -> list[str]:
    groups = [g for g in re.split(r"[ .\-\u00a0]+", raw.lstrip("+")) if g]
    if len(groups) == 1 and len(groups[0]) == 10:
        digits = groups[0]
        return [digits[:3], digits[3:6], digits[6:]]
    return groups


def _en(raw: str) -> str:
    said = ", ".join(" ".join(group) for group in _groups(raw))
    return ("plus " + said) if raw.startswith("+") else said


def _fr(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        pairs = [digits[i:i + 2] for i in range(0, 10, 2)]
        head = " ".join(pairs[0])  # « zéro six »
        return ", ".join([head, *(p if not p.startswith("0") else " ".join(p)
                                  for p in pairs[1:])])
    said = ", ".join(" ".join(group) for group in _groups(raw))
    return ("plus " + said) if raw.startswith("+") else said


def spell_phones(text: str, language: str) -> str:
    def said(match: re.Match[str]) -> str:
        raw = match[1]
        if len(re.sub(r"\D", "", raw)) < MIN_DIGITS:
            return raw
        return _fr(raw) if language.startswith("fr") else _en(raw)

    return _PHONE.sub(said, text)
