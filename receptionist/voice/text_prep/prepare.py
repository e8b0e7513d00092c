"""A prompt's text as a voice should read it (text_prep's modules in order: dates before
times and phone numbers, whose figures they hold; prices before phone numbers)."""

from __future__ import annotations

from receptionist.voice.text_prep.dates import spell_dates
from receptionist.voice.text_prep.ordinals import spell_ordinals
from receptionist.voice.text_prep.phones import spell_phones
from receptionist.voice.text_prep.prices import spell_prices
from receptionist.voice.text_prep.times import spell_times
from receptionist.voice.text_prep.words import expand_titles, split_names

# French typography's no-break spaces (before « : ; ! ? », inside guillemets) are plain
# pauses to a voice; some engines read an unknown character as a word or a stop.
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def for_speech(text: str, language: str) -> str:
    text = text.translate(_SPACES)
    text = spell_dates(text, language)
    text = spell_prices(text, language)
    text = spell_phones(text, language)
    text = spell_times(text, language)
    text = spell_ordinals(text, language)
    text = expand_titles(text, language)
    return split_names(text)
