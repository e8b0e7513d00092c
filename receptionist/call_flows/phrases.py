"""The voices the engine speaks with, by language (what it says is in the catalogs,
`receptionist/locale/`: `call.*` messages)."""

from __future__ import annotations

from receptionist.i18n import lang_key

# The dialled number belongs to no business: we cannot know the language, so
# `call.unknown_number` is said in each of these.
UNKNOWN_NUMBER_LOCALES = ("en-US", "fr-FR")

DEFAULT_VOICES = {"en": "Polly.Joanna", "fr": "Polly.Lea"}


def default_voice(language: str) -> str:
    return DEFAULT_VOICES[lang_key(language)]
