"""The languages callers and owners speak (English, French): which one a locale means, and
the words for keypad keys."""

from __future__ import annotations

LANGUAGES = ("en", "fr")


def lang_key(language: str) -> str:
    """The supported language a locale means: "fr-CA" -> "fr"; anything else -> "en"."""
    return "fr" if language.lower().startswith("fr") else "en"


# Keypad keys by the words a caller says for them ("one", « trois »), accents removed.
DIGIT_WORDS: dict[str, dict[str, str]] = {
    "en": {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
           "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
           "star": "*", "pound": "#", "hash": "#"},
    "fr": {"zero": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
           "six": "6", "sept": "7", "huit": "8", "neuf": "9", "etoile": "*", "diese": "#"},
}
