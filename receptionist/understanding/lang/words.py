"""`Words`: the parsing data of one language (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text."""
    return frozenset(text.split())


@dataclass(frozen=True)
class Words:
    """The parsing data of one language. Words are written as `phrase_match.normalize`
    leaves them: lower case, accents removed."""

    # The language's code ("en"): the grammar rules that are code, not data (how a clock
    # time is said, « après-midi »), are chosen by it in `when.py`.
    code: str

    # Keypad keys by the words said for them ("one", « trois »).
    digits: Mapping[str, str]
    # What a caller says before a key ("press one"; "" = the key's word alone).
    digit_prefixes: tuple[str, ...]
    # Monday first, as `date.weekday()` counts.
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    numbers: Mapping[str, int]
    # Words naming a part of the day -> morning, afternoon, evening or lunch.
    parts_of_day: Mapping[str, str]
    # Finer parts of the day, by phrase (read before the single words): "late afternoon"
    # -> late_afternoon (`when.PARTS`).
    part_phrases: tuple[tuple[str, str], ...]
    # Greetings that name a part of the day without asking for it ("good morning").
    greetings: tuple[str, ...]
    # Phrases asking for the first free time.
    earliest: tuple[str, ...]
    # Relative days (today, tomorrow, day_after, this_week, next_week, weekend) by the
    # phrases that name them, most specific first.
    relative_days: tuple[tuple[str, tuple[str, ...]], ...]
    # Words before a spoken hour that make it a time ("at two", « à deux »).
    time_triggers: tuple[str, ...]
    # Words that carry no intent (removed before matching phrases).
    fillers: frozenset[str]
    # snowballstemmer's name for the language.
    stemmer: str
    # The booking dialogue: ordinals for offered times ("first"), the phrases made of one
    # (`{o}`: "the {o} one"), what may be said for a prompt's keys (stage -> key ->
    # phrases), what ends the dialogue without booking ("no thanks"), and a plain yes or
    # no to an offer of times (`call_flows/booking/phrases.py` reads them).
    ordinals: tuple[str, ...]
    ordinal_forms: tuple[str, ...]
    booking_keys: Mapping[str, Mapping[str, tuple[str, ...]]]
    booking_done: tuple[str, ...]
    yes_no: tuple[str, ...]
    # Words that take back what was just said ("Dr Okafor, oh wait, no, Dr Martin"): the
    # booking dialogue reads the choice named after the last of them when the whole
    # sentence names several (`call_flows/booking/choice.py`).
    corrections: tuple[str, ...]
    # The built-in intent examples: intent -> one sentence a line (`examples_<lang>.py`).
    examples: Mapping[str, str]
    # How a prompt tells callers to press a key ("press", « tapez », « appuyez »), and
    # the words that may stand between that verb and the key ("the", « sur la touche »),
    # and those that join the items of a list of keys ("or", « ou »): the script check
    # reads a menu's prompts with them (`call_flows/menu_keys.py`).
    key_verbs: frozenset[str] = frozenset()
    # What a listener says to show they follow ("mm-hm", "yeah", « d'accord »): an
    # utterance of these words only, said over a prompt that asks no yes or no, answers
    # nothing there (`call_flows.listening.hear`), so the prompt goes on.
    backchannels: frozenset[str] = frozenset()
    key_fillers: frozenset[str] = frozenset()
    key_joiners: frozenset[str] = frozenset()
