from __future__ import annotations

from receptionist.i18n import DIGIT_WORDS, LANGUAGES, lang_key


def test_locales_map_to_a_supported_language() -> None:
    assert [lang_key(x) for x in ("fr-FR", "FR-ca", "fr", "en-US", "de-DE", "")] == [
        "fr", "fr", "fr", "en", "en", "en"]


def test_every_language_names_every_key() -> None:
    for language in LANGUAGES:
        assert set(DIGIT_WORDS[language].values()) == set("0123456789*#")
