"""From probabilities to a decision: act (`route`), ask first (`confirm`) or ask again
(`reprompt`). A wrong route costs more than a question, so a caller is only routed when
the model is sure, and asked "You'd like to book, is that right?" when it is fairly sure.

The default thresholds were chosen on the evaluation sentences (tests/data/understanding)
so that wrong routes stay at or below 2 % in both languages (see bench/understanding.py);
a script may set its own (`understanding: {route: …, confirm: …}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from receptionist.understanding.intent_model import OUT_OF_SCOPE, IntentModel, Ranked

Band = Literal["route", "confirm", "reprompt"]
ROUTE_AT = 0.60
CONFIRM_AT = 0.30
ALTERNATIVES = 3


@dataclass(frozen=True)
class Thresholds:
    route: float = ROUTE_AT
    confirm: float = CONFIRM_AT


@dataclass(frozen=True)
class Understood:
    """What a sentence means: `intent` (None in the reprompt band), how sure, which band,
    and the next best intents."""

    transcript: str
    intent: str | None
    confidence: float
    band: Band
    alternatives: tuple[Ranked, ...] = ()
    top: str = ""  # the model's best guess, even in the reprompt band


def band_of(intent: str, confidence: float, thresholds: Thresholds) -> Band:
    if intent == OUT_OF_SCOPE:
        return "reprompt"
    if confidence >= thresholds.route:
        return "route"
    if confidence >= thresholds.confirm:
        return "confirm"
    return "reprompt"


def understand(model: IntentModel, text: str, thresholds: Thresholds | None = None,
               *, among: frozenset[str] | None = None) -> Understood:
    """Classify `text`. `among`: the intents that mean something where the caller is (a
    menu's choices, FAQ...); the others keep their probability mass, so a sentence that
    means an intent the menu does not offer is not pushed onto one it does."""
    ranked = model.rank(text)
    top = ranked[0]
    # How sure: the top probability, discounted by the share of words the model knows.
    confidence = top.probability * model.known_share(text)
    band = band_of(top.intent, confidence, thresholds or Thresholds())
    if among is not None and top.intent not in among:
        band = "reprompt"
    intent = top.intent if band != "reprompt" else None
    return Understood(text.strip()[:200], intent, round(confidence, 3), band,
                      tuple(Ranked(r.intent, round(r.probability, 3))
                            for r in ranked[1:1 + ALTERNATIVES]), top.intent)


# How sure the ear must be of its own transcript (the engine's confidence, 0..1) for the
# words to be acted on without asking, and below which they are not worth a question.
# A weak engine (pocketsphinx decoding freely) reports at most WEAK: it confirms at best.
HEARD_ROUTE = 0.5
HEARD_FLOOR = 0.15


def weigh_hearing(band: Band, heard: float | None) -> Band:
    """The band once the engine's doubt about the words themselves is counted."""
    if heard is None:  # typed words
        return band
    if heard < HEARD_FLOOR:
        return "reprompt"
    if heard < HEARD_ROUTE and band == "route":
        return "confirm"
    return band
