"""What a recognizer may hear at a menu: the choices' phrases and spoken digits.

Choices come as plain (phrases, key) pairs: speech knows nothing of call scripts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from receptionist.understanding.lang import words_of

_PUNCTUATION = re.compile(r"[^\w' -]+")


def speakable(text: str) -> str:
    """Lowercase words as a recognizer's grammar wants them: « Rendez-vous ! » ->
    "rendez vous"."""
    words = _PUNCTUATION.sub(" ", text.lower()).replace("-", " ")
    return " ".join(w.strip("'") for w in words.split() if w.strip("'"))


def menu_phrases(choices: Sequence[tuple[Sequence[str], str | None]],
                 language: str) -> list[str]:
    """Every phrase of every choice, plus "press one"-style names of their digits."""
    lang = words_of(language)
    digit_names: dict[str, str] = {}
    for word, key in lang.digits.items():
        digit_names.setdefault(key, word)  # the first word for a key ("zero", not "oh")
    phrases: list[str] = []
    for choice_phrases, digit in choices:
        phrases.extend(speakable(p) for p in choice_phrases)
        name = digit_names.get(digit or "")
        if name:
            phrases.extend(f"{prefix} {name}".strip() for prefix in lang.digit_prefixes)
    return list(dict.fromkeys(p for p in phrases if p))
