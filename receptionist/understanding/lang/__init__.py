"""The words each language's callers use, as data: what the parsers read.

One module per language (`en.py`, `fr.py`) holds a `Words`: the words for keypad keys,
days, months, numbers, parts of the day, "as soon as possible", the filler words a
phrase match ignores, and the stemmer the intent model uses; its built-in intent
examples are `examples_<lang>.py` beside it. `words_of(language)` gives the data of a
locale's language, English when the language has none (it can still have a catalog:
callers then hear it, and are understood by the English data until it has its own).

Adding a language `xx`: `xx.py` with its `WORDS`, `examples_xx.py` with its `EXAMPLES`,
and one line in `_BY_LANGUAGE` below (the catalog, `receptionist/locale/xx/`, is the
other half: ARCHITECTURE.md, "Languages")."""

from __future__ import annotations

from collections.abc import Mapping

from receptionist.i18n import FALLBACK, lang_key
from receptionist.understanding.lang import en, fr
from receptionist.understanding.lang.words import Words

__all__ = ["UNDERSTOOD", "Words", "words_of"]

_BY_LANGUAGE: Mapping[str, Words] = {"en": en.WORDS, "fr": fr.WORDS}
# The languages callers are understood in (their own data).
UNDERSTOOD: tuple[str, ...] = tuple(_BY_LANGUAGE)


def words_of(language: str) -> Words:
    """The parsing data of a locale's language ("fr-FR" -> French); English for a
    language without its own."""
    return _BY_LANGUAGE.get(lang_key(language), _BY_LANGUAGE[FALLBACK])
