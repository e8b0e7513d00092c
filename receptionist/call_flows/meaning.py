"""What a caller's sentence means at a menu of a script: the script's intent model (the
built-in examples plus the script's own), and where each intent leads there.

A script version's model is trained once (`understanding.intent_model.model_for` caches
it by training set, which a version never changes); `publishing.publish` trains it, so
the first caller of a new version does not wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from receptionist.call_flows.schema import FaqEntry, MenuChoice, MenuStep, Script
from receptionist.i18n import N_, gettext
from receptionist.understanding.bands import (
    Band,
    Thresholds,
    Understood,
    understand,
    weigh_hearing,
)
from receptionist.understanding.intent_model import OUT_OF_SCOPE as OUT_OF_SCOPE_INTENT
from receptionist.understanding.intent_model import IntentModel, TrainingSet, model_for
from receptionist.understanding.phrase_match import content_words, normalize, spoken_digit

# Built-in intents a menu answers itself when no choice or FAQ entry claims them: SPECIAL.
# An urgent caller goes to a person if the menu has one, else leaves a message.
URGENT_FALLBACK = ("urgent", "transfer", "message")

# What each built-in intent lets a caller do, as the confirmation question says it
# ("You'd like to {label}?") and the transfer announcement ("They would like to …").
LABELS = {
    "book": N_("intent.book"),
    "manage_booking": N_("intent.manage_booking"),
    "message": N_("intent.message"),
    "hours": N_("intent.hours"),
    "location": N_("intent.location"),
    "transfer": N_("intent.transfer"),
    "urgent": N_("intent.urgent"),
    "goodbye": N_("intent.goodbye"),
}


def faq_intent(index: int, entry: FaqEntry) -> str:
    return entry.intent or f"faq_{index + 1}"


def training_set(script: Script) -> TrainingSet:
    """The built-in examples of the script's language, plus every menu choice's phrases
    and examples and every FAQ entry's questions under their intents."""
    extra: dict[str, list[str]] = {}
    for step in script.steps.values():
        if isinstance(step, MenuStep):
            for choice in step.choices:
                extra.setdefault(choice.intent, []).extend([*choice.phrases,
                                                            *choice.examples])
    for index, entry in enumerate(script.faq):
        extra.setdefault(faq_intent(index, entry), []).extend(entry.questions)
    return TrainingSet.of(script.language, extra)


def script_model(script: Script) -> IntentModel:
    return model_for(training_set(script))


def thresholds(script: Script) -> Thresholds:
    return Thresholds(script.understanding.route, script.understanding.confirm)


TargetKind = Literal["choice", "faq", "hours", "repeat", "goodbye", "instead", "again"]
# At a menu, "no" / "no thanks" / « non merci » answers "How can I help?" or "Anything
# else?": the caller needs nothing more. "Yes" there asks for something not yet said.
SPECIAL: dict[str, TargetKind] = {"hours": "hours", "repeat": "repeat", "goodbye": "goodbye",
                                  "no": "goodbye", "yes": "again"}

# Built-in intents a menu may have no choice for: the choices (by intent) offered in
# their place, the nearest first, each with its honest answer ("I can't change
# appointments by phone, but I can take a message for the team"), and the answer alone
# when the menu has none of them. The model understood the caller: they never hear "I did
# not understand".
INSTEAD: dict[str, tuple[tuple[tuple[str, str], ...], str]] = {
    "book": ((("message", N_("call.instead.book.message")),
              ("transfer", N_("call.instead.book.transfer"))), N_("call.instead.book")),
    "manage_booking": ((("message", N_("call.instead.manage_booking.message")),
                        ("transfer", N_("call.instead.manage_booking.transfer"))),
                       N_("call.instead.manage_booking")),
    "transfer": ((("message", N_("call.instead.transfer.message")),),
                 N_("call.instead.transfer")),
    "urgent": ((), N_("call.instead.transfer")),  # its choices: URGENT_FALLBACK
    "message": ((("transfer", N_("call.instead.message.transfer")),),
                N_("call.instead.message")),
    "location": ((("message", N_("call.instead.question.message")),
                  ("transfer", N_("call.instead.question.transfer"))),
                 N_("call.instead.question")),
}
# Understood as none of the business's concerns ("can you call me a taxi"): said instead
# of "I did not understand" before the menu asks again (it counts as a miss).
OUT_OF_SCOPE = N_("call.instead.out_of_scope")


@dataclass(frozen=True)
class Target:
    """What an intent does at a menu (its intent travels in a confirmation's callback)."""

    kind: TargetKind
    intent: str
    choice: MenuChoice | None = None
    faq: FaqEntry | None = None
    # "instead": the catalog id of the honest answer said before `choice` (or alone).
    note: str | None = None


@dataclass(frozen=True)
class Meaning:
    understood: Understood
    target: Target | None  # None: nothing to do here (reprompt)
    band: Band
    via_key: bool = False  # the caller named a key ("one", « tapez deux »)


def target_for(script: Script, menu: MenuStep, intent: str | None) -> Target | None:
    """Where `intent` leads at `menu`: a choice, an FAQ answer, or the menu's own answers
    (hours from the script, repeat, goodbye); None when it leads nowhere here."""
    if intent is None:
        return None
    wanted = URGENT_FALLBACK if intent == "urgent" else (intent,)
    for name in wanted:
        choice = next((c for c in menu.choices if c.intent == name), None)
        if choice is not None:
            return Target("choice", intent, choice=choice)
    for index, entry in enumerate(script.faq):
        if faq_intent(index, entry) == intent:
            return Target("faq", intent, faq=entry)
    kind = SPECIAL.get(intent)
    if kind is not None:
        return Target(kind, intent)
    return instead(menu, intent)


def instead(menu: MenuStep, intent: str) -> Target | None:
    """A built-in intent this menu has no choice for: the honest answer and the nearest
    choice offered in its place (None: not a built-in intent the menu answers)."""
    if intent not in INSTEAD:
        return None
    nearest, alone = INSTEAD[intent]
    for name, note in nearest:
        choice = next((c for c in menu.choices if c.intent == name), None)
        if choice is not None:
            return Target("instead", intent, choice=choice, note=note)
    return Target("instead", intent, note=alone)


def meaning_at_menu(script: Script, menu: MenuStep, text: str,
                    heard: float | None = None) -> Meaning:
    """What `text` asks for at `menu`: the caller named a key, or the model's intent.
    `heard`: the speech engine's confidence in `text` (None: typed)."""
    digit = spoken_digit(normalize(text), script.language)
    if digit is not None:
        choice = next((c for c in menu.choices if c.digit == digit), None)
        if choice is not None:
            understood = Understood(text.strip()[:200], choice.intent, 1.0, "route",
                                    top=choice.intent)
            return Meaning(understood, Target("choice", choice.intent, choice=choice),
                           weigh_hearing("route", heard), via_key=True)
    said = content_words(normalize(text), script.language)
    for choice in menu.choices:
        if said and any(said == content_words(normalize(p), script.language)
                        for p in choice.phrases):
            # Exactly a phrase the script wrote for this choice: the operator's own word
            # for it, whatever the model (trained on many other sentences) makes of it.
            understood = Understood(text.strip()[:200], choice.intent, 1.0, "route",
                                    top=choice.intent)
            return Meaning(understood, Target("choice", choice.intent, choice=choice),
                           weigh_hearing("route", heard))
    understood = understand(script_model(script), text, thresholds(script))
    target = target_for(script, menu, understood.intent)
    band: Band = weigh_hearing(understood.band, heard) if target is not None else "reprompt"
    if band == "confirm" and target is not None and target.kind == "repeat":
        band = "route"  # repeating the menu is harmless: no need to ask
    if band == "confirm" and target is not None and target.kind == "again":
        band = "reprompt"  # a doubtful "yes" is not worth a question: ask again
    return Meaning(understood, target, band)


def out_of_scope(script: Script, meaning: Meaning) -> bool:
    """The model is sure the words are none of the business's concerns ("can you call me
    a taxi"); they are then declined honestly rather than "not understood"."""
    understood = meaning.understood
    # Words the model knows none of (emoji, digits, another script) are out of scope
    # "with certainty", every other intent at 0: that is not understanding them.
    weighed = any(r.probability > 0 for r in understood.alternatives)
    return (meaning.target is None and understood.top == OUT_OF_SCOPE_INTENT and weighed
            and understood.confidence >= script.understanding.route)


def confirmation(target: Target, language: str) -> str:
    """The question that confirms a fair guess: "You'd like to book an appointment, is
    that right?"; for an FAQ entry or a choice without a label, the caller's likely
    words: "Did you ask: how much is a cleaning?"."""
    own = target.choice if target.kind == "choice" else None
    label = ((own.label if own else None)
             or (target.faq.label if target.faq else None))
    builtin = LABELS.get(own.intent if own else target.intent) or LABELS.get(target.kind)
    if label is None and builtin is not None:
        label = gettext(language, builtin)
    if label is not None:
        return gettext(language, "call.confirm_intent", label=label)
    if target.faq is not None and target.faq.questions:
        return gettext(language, "call.confirm_question", words=target.faq.questions[0])
    words = [*own.phrases, *own.examples] if own else []
    return gettext(language, "call.confirm_question",
                   words=words[0] if words else target.intent.replace("_", " "))


def yes_or_no(script: Script, text: str) -> bool | None:
    """A confirmation's answer: True (yes), False (no), None (neither, or unsure)."""
    key = spoken_digit(normalize(text), script.language)  # "one", « tapez deux »
    if key in ("1", "2"):
        return key == "1"
    understood = understand(script_model(script), text, thresholds(script),
                            among=frozenset({"yes", "no"}))
    if understood.band == "reprompt":
        return None
    return understood.intent == "yes"
