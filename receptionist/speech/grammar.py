"""What a recognizer may hear at a menu: the choices' phrases and spoken digits.

Choices come as plain (phrases, key) pairs: speech knows nothing of call scripts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from receptionist.i18n import DIGIT_WORDS, lang_key

_PUNCTUATION = re.compile(r"[^\w' -]+")
_DIGIT_PREFIX = {"en": ("press", ""), "fr": ("tapez", "")}


def speakable(text: str) -> str:
    """Lowercase words as a recognizer's grammar wants them: « Rendez-vous ! » ->
    "rendez vous"."""
    words = _PUNCTUATION.sub(" ", text.lower()).replace("-", " ")
    return " ".join(w.strip("'") for w in words.split() if w.strip("'"))


def menu_phrases(choices: Sequence[tuple[Sequence[str], str | None]],
                 language: str) -> list[str]:
    """Every phrase of every choice, plus "press one"-style names of their digits."""
    lang = lang_key(language)
    digit_names = {d: w for w, d in DIGIT_WORDS[lang].items() if w not in ("oh", "hash")}
    phrases: list[str] = []
    for choice_phrases, digit in choices:
        phrases.extend(speakable(p) for p in choice_phrases)
        name = digit_names.get(digit or "")
        if name:
            phrases.extend(f"{prefix} {name}".strip() for prefix in _DIGIT_PREFIX[lang])
    return list(dict.fromkeys(p for p in phrases if p))
