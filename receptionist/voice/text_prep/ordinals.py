"""Ordinals written with figures ("1st", "21st", « 1er », « 2e », « 3ème ») as words:
Pico and espeak-ng read "2e" as "two e"."""

from __future__ import annotations

import re

from receptionist.voice.text_prep.numbers import words

_EN = re.compile(r"\b(\d{1,6})(st|nd|rd|th)\b", re.IGNORECASE)
_FR = re.compile(r"\b(\d{1,6})(er|re|ère|e|ème|eme)\b", re.IGNORECASE)
_EN_IRREGULAR = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                 "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def english(number: int) -> str:
    cardinal = words(number, "en")
    head, sep, last = cardinal.rpartition(" ")
    head2, dash, last2 = last.rpartition("-")
    if last2 in _EN_IRREGULAR:
        ordinal = _EN_IRREGULAR[last2]
    elif last2.endswith("y"):
        ordinal = last2[:-1] + "ieth"
    else:
        ordinal = last2 + "th"
    return head + sep + head2 + dash + ordinal


def french(number: int) -> str:
    if number == 1:
        return "premier"
    cardinal = words(number, "fr")
    if cardinal.endswith("cinq"):
        return cardinal + "uième"
    if cardinal.endswith("neuf"):
        return cardinal[:-1] + "vième"
    if cardinal.endswith(("e", "s")) and not cardinal.endswith(("trois", "six")):
        cardinal = cardinal[:-1]  # quatre -> quatrième, quatre-vingts -> quatre-vingtième
    return cardinal + "ième"


def spell_ordinals(text: str, language: str) -> str:
    if language.startswith("fr"):
        return _FR.sub(lambda m: (
            "première" if m[1] == "1" and m[2].lower() == "re" else french(int(m[1]))), text)
    return _EN.sub(lambda m: english(int(m[1])), text)
