"""Match what a caller said (typed text now, recognised speech later) to a menu intent.

The matcher is deliberately simple and predictable for operators: each choice lists
phrases; an utterance matches a phrase when the phrase's meaningful words appear in it,
tolerating accents, case, punctuation, filler words and small typos ("apointment").
Saying a choice's digit ("one", "press 2", « tapez trois ») picks that choice too.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from rapidfuzz.fuzz import ratio

from receptionist.understanding.lang import words_of
from receptionist.understanding.lang.words import word_set

# Words that may surround a spoken digit: "press one", « tapez le un », "option 2".
DIGIT_CONTEXT = word_set("""
    press push dial option number choice key touche tapez tape taper appuyez appuie numero
    choix le la please thanks merci s il vous plait plaît""")
_NON_WORD = re.compile(r"[^\w*#]+|_+")  # any script's letters and digits are words

# Below this a phrase word is not considered heard; short words must match exactly.
WORD_THRESHOLD = 0.8
MIN_CONFIDENCE = 0.75
# When the two best intents are this close, the caller's wish is ambiguous.
AMBIGUITY_MARGIN = 0.05


def normalize(text: str) -> list[str]:
    """Lowercase words without accents or punctuation: « Ré-server ! » -> [re, server]."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return [w for w in _NON_WORD.split(bare) if w]


def content_words(words: Sequence[str], language: str) -> list[str]:
    fillers = words_of(language).fillers
    kept = [w for w in words if w not in fillers]
    return kept if kept else list(words)


def word_similarity(said: str, expected: str) -> float:
    if said == expected:
        return 1.0
    shorter = min(len(said), len(expected))
    if shorter <= 3:
        return 0.0
    # Inflections: "booking" ~ "book", « horaire » ~ « horaires ».
    if shorter >= 4 and (said.startswith(expected) or expected.startswith(said)):
        return 0.9
    # Shared stem: « réservation » ~ « réserver », "scheduling" ~ "schedule".
    stem = next((i for i, (a, b) in enumerate(zip(said, expected, strict=False)) if a != b),
                shorter)
    if stem >= 5 and stem >= 0.7 * shorter:
        return 0.85
    return float(ratio(said, expected)) / 100.0


def phrase_score(said: Sequence[str], phrase: Sequence[str]) -> tuple[float, int]:
    """(score, words matched): the mean similarity of the phrase's words, each to its best
    match in the utterance, scaled by the share of the phrase that was heard."""
    if not phrase or not said:
        return 0.0, 0
    sims = [max(word_similarity(s, p) for s in said) for p in phrase]
    heard = [s for s in sims if s >= WORD_THRESHOLD]
    if not heard:
        return 0.0, 0
    return (sum(heard) / len(heard)) * (len(heard) / len(phrase)), len(heard)


class Option(Protocol):
    """One thing a caller may ask for: its intent, its key, the phrases that name it."""

    @property
    def intent(self) -> str: ...
    @property
    def digit(self) -> str | None: ...
    @property
    def phrases(self) -> Sequence[str]: ...


OptionT = TypeVar("OptionT", bound=Option)


@dataclass(frozen=True)
class IntentMatch(Generic[OptionT]):
    intent: str | None
    confidence: float
    transcript: str
    choice: OptionT | None = None


def spoken_digit(words: Sequence[str], language: str) -> str | None:
    """The key a caller named instead of pressing it: "one", "press 2", « tapez trois »."""
    table = words_of(language).digits
    rest = [w for w in words if w not in DIGIT_CONTEXT]
    if len(rest) != 1:
        return None
    word = rest[0]
    if re.fullmatch(r"[0-9*#]", word):
        return word
    return table.get(word)


def match_intent(text: str, choices: Sequence[OptionT],
                 language: str) -> IntentMatch[OptionT]:
    words = normalize(text)
    transcript = text.strip()
    if not words:
        return IntentMatch(None, 0.0, transcript)
    digit = spoken_digit(words, language)
    if digit is not None:
        for choice in choices:
            if choice.digit == digit:
                return IntentMatch(choice.intent, 0.95, transcript, choice)
    # Two words said may be one of a phrase's: a recogniser cuts a name it does not know
    # ("Oka for" for Okafor, "for" being a filler alone), a caller writes "check up". Not
    # from a filler on: "okay for Monday" is no Okafor.
    fillers = words_of(language).fillers
    said = [*content_words(words, language),
            *(a + b for a, b in itertools.pairwise(words) if a not in fillers)]
    ranked: list[tuple[float, int, OptionT]] = []
    for choice in choices:
        best = (0.0, 0)
        for phrase in choice.phrases:
            best = max(best, phrase_score(said, content_words(normalize(phrase), language)))
        ranked.append((best[0], best[1], choice))
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    top_score, _, top_choice = ranked[0]
    if top_score < MIN_CONFIDENCE:
        return IntentMatch(None, round(top_score, 3), transcript)
    if len(ranked) > 1:
        second_score = ranked[1][0]
        if top_score - second_score < AMBIGUITY_MARGIN:
            return IntentMatch(None, round(top_score, 3), transcript)
    return IntentMatch(top_choice.intent, round(top_score, 3), transcript, top_choice)
