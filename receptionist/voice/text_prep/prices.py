"""Amounts of money as said: "$80" -> "80 dollars", "$12.50" -> "12 dollars 50",
"€43" / « 43 € » / « 12,50 € » -> « 43 euros », « 12 euros 50 », "£5" -> "5 pounds".
The number stays in figures (every engine reads a plain number well); the symbol becomes
the currency's name in the script's language, after the number as it is said."""

from __future__ import annotations

import re

_NAMES = {
    "en": {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("pound", "pounds")},
    "fr": {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("livre", "livres")},
}
_AMOUNT = r"(\d{1,3}(?:[ ,\u00a0\u202f]\d{3})*|\d+)(?:([.,])(\d{2}))?"
_BEFORE = re.compile(r"([$€£])\s?" + _AMOUNT + r"(?!\d)")
_AFTER = re.compile(r"(?<![\w.,])" + _AMOUNT + r"\s?([$€£])")


def _amount(symbol: str, whole: str, separator: str | None, cents: str | None,
            language: str) -> str:
    one, many = _NAMES["fr" if language.startswith("fr") else "en"][symbol]
    decimal = "," if language.startswith("fr") else "."
    if separator is not None and separator != decimal and cents is not None:
        pass  # "12,50 $" in English: still cents (two digits after the mark)
    digits = re.sub(r"[ ,\u00a0\u202f]", "", whole)
    number = int(digits)
    said = f"{number} {one if number == 1 else many}"
    if cents and int(cents):
        said += f" {int(cents)}"
    return said


def spell_prices(text: str, language: str) -> str:
    text = _BEFORE.sub(lambda m: _amount(m[1], m[2], m[3], m[4], language), text)
    return _AFTER.sub(lambda m: _amount(m[4], m[1], m[2], m[3], language), text)
