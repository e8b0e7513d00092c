"""Whole numbers as words, English and French (up to 999 999 999): what the ordinals and
the prices' cents need, and what the bench compares transcripts with."""

from __future__ import annotations

_EN_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen"]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_FR_SMALL = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
             "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept",
             "dix-huit", "dix-neuf"]
_FR_TENS = ["_", "_", "vingt", "trente", "quarante", "cinquante", "soixante", "soixante",
            "quatre-vingt", "quatre-vingt"]
MAX = 999_999_999


def words(number: int, language: str) -> str:
    if not 0 <= number <= MAX:
        raise ValueError(f"{number} is out of range")
    return _fr(number) if language.startswith("fr") else _en(number)


def _en(n: int) -> str:
    if n < 20:
        return _EN_SMALL[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_SMALL[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_EN_SMALL[hundreds]} hundred" + (f" {_en(rest)}" if rest else "")
    for size, name in ((1_000_000, "million"), (1000, "thousand")):
        if n >= size:
            high, rest = divmod(n, size)
            return f"{_en(high)} {name}" + (f" {_en(rest)}" if rest else "")
    raise AssertionError(n)


def _fr_below_100(n: int) -> str:
    if n < 20:
        return _FR_SMALL[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-dix: counted on from 60 and 80
        return f"{_FR_TENS[tens]}{'-et-' if n == 71 else '-'}{_FR_SMALL[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_FR_SMALL[unit]}"
    if unit == 0:
        return _FR_TENS[tens]
    return f"{_FR_TENS[tens]}{'-et-' if unit == 1 else '-'}{_FR_SMALL[unit]}"


def _fr(n: int) -> str:
    if n < 100:
        return _fr_below_100(n)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "cent" if hundreds == 1 else f"{_FR_SMALL[hundreds]} cent" + ("" if rest else "s")
        return head + (f" {_fr_below_100(rest)}" if rest else "")
    if n < 1_000_000:
        high, rest = divmod(n, 1000)
        head = "mille" if high == 1 else f"{_fr(high).removesuffix('s')} mille"
        return head + (f" {_fr(rest)}" if rest else "")
    high, rest = divmod(n, 1_000_000)
    head = f"{_fr(high)} million" + ("s" if high > 1 else "")
    return head + (f" {_fr(rest)}" if rest else "")
