"""The parsing data of each language (`understanding/lang/`)."""

from __future__ import annotations

import pytest

from receptionist.i18n import LANGUAGES
from receptionist.understanding.intent_model import BUILTIN_INTENTS
from receptionist.understanding.lang import UNDERSTOOD, words_of
from receptionist.understanding.phrase_match import normalize
from receptionist.understanding.when import PARTS


def test_every_catalog_language_is_understood() -> None:
    assert set(LANGUAGES) <= set(UNDERSTOOD)


@pytest.mark.parametrize("lang", UNDERSTOOD)
def test_a_language_names_every_key_day_and_month(lang: str) -> None:
    words = words_of(lang)
    assert words.code == lang
    assert set(words.digits.values()) == set("0123456789*#")
    assert len(words.weekdays) == 7 and len(set(words.weekdays)) == 7
    assert len(words.months) == 12 and len(set(words.months)) == 12
    assert set(words.parts_of_day.values()) <= set(PARTS)
    assert {part for _, part in words.part_phrases} <= set(PARTS)
    assert set(words.booking_keys) == {"offer", "confirm", "who", "type", "manage"}
    assert len(words.ordinals) == 8 and all("{o}" in form for form in words.ordinal_forms)
    assert {kind for kind, _ in words.relative_days} == {
        "today", "tomorrow", "day_after", "this_week", "next_week", "weekend"}


@pytest.mark.parametrize("lang", UNDERSTOOD)
def test_words_are_written_as_the_parsers_read_them(lang: str) -> None:
    words = words_of(lang)
    singles = [*words.digits, *words.weekdays, *words.months, *words.numbers,
               *words.parts_of_day, *words.fillers]
    for word in singles:
        assert normalize(word) == [word], word
    phrases = [*words.earliest, *(p for _, ps in words.relative_days for p in ps),
               *(p for p, _ in words.part_phrases), *words.greetings,
               *words.booking_done, *words.yes_no]
    for phrase in phrases:
        assert " ".join(normalize(phrase)) == phrase, phrase


@pytest.mark.parametrize("lang", UNDERSTOOD)
def test_every_builtin_intent_has_examples(lang: str) -> None:
    examples = words_of(lang).examples
    for intent in BUILTIN_INTENTS:
        assert len([s for s in examples[intent].splitlines() if s.strip()]) >= 10, intent


def test_a_locale_gets_its_language_and_an_unknown_one_english() -> None:
    assert words_of("fr-CA").code == "fr"
    assert words_of("en-GB").code == "en"
    assert words_of("de-DE").code == "en"
