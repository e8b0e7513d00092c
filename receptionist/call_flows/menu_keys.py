"""What a menu's prompts say about its keys: the keys a prompt tells callers to press
("For our opening hours, press 3", « tapez 1 pour…, 2 pour… », « appuyez sur la touche
dièse »), so that the script check refuses a prompt naming a key that is no choice of its
menu; and the sentence that names every choice's key, written from the choices (the
script form offers it, so that the prompt and the keys cannot drift apart).

A key is named right after a verb of pressing, with the words that may stand between
("press the 3 key", « appuyez sur le 3 »), or in the list that follows it ("press 1 to
book, 2 to leave a message, or 0 to…"): after a key, a comma or a conjunction opens the
next item. Elsewhere a digit is not a key ("open until 6", « de 9 heures à 18 heures »),
and neither is a number of several digits or a clock time. Keys written as words ("press
three", « tapez trois ») count only right after the verb: « un », "one" are words too."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from receptionist.call_flows.schema import MenuChoice, MenuStep
from receptionist.i18n import N_, format_list, gettext
from receptionist.understanding.lang import words_of
from receptionist.understanding.lang.words import Words

_SENTENCES = re.compile(r"[.!?;]+(?:\s|$)")
# Words, a whole number or clock time ("24", "9:00", "9h30" are no key), a key sign, a comma.
_TOKENS = re.compile(r"\d+(?:[:h.]\d+)?|[a-z]+|[*#]|,")
_KEY = re.compile(r"[0-9*#]")
# The fields of a menu step that are said to callers.
PROMPT_FIELDS = ("prompt", "reprompt")


def _bare(text: str) -> str:
    """Lower case, accents removed (as the languages' words are written)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("œ", "oe")


def keys_named(text: str, language: str) -> list[str]:
    """The keys `text` tells callers to press, in order, each once."""
    words = words_of(language)
    found: list[str] = []
    for sentence in _SENTENCES.split(_bare(text)):
        for key in _sentence_keys(_TOKENS.findall(sentence), words):
            if key not in found:
                found.append(key)
    return found


def _sentence_keys(tokens: list[str], words: Words) -> Iterator[str]:
    state = ""  # "verb": a key may follow; "list": the next item of a list may follow
    keyed = False  # a key was named in this sentence (a comma may open the next item)
    for token in tokens:
        if token in words.key_verbs:
            state = "verb"
            continue
        if state == "verb" and token in words.key_fillers:
            continue
        key = token if _KEY.fullmatch(token) else (
            words.digits.get(token) if state == "verb" else None)
        if key is not None and state:
            yield key
            keyed, state = True, ""
        elif keyed and (token == "," or token in words.key_joiners):
            state = "list"
        else:
            state = ""


def unknown_keys(step: MenuStep, language: str) -> list[tuple[str, str]]:
    """(field, key) for each key a prompt of the menu names that none of its choices has."""
    digits = {c.digit for c in step.choices if c.digit is not None}
    found: list[tuple[str, str]] = []
    for name in PROMPT_FIELDS:
        text = getattr(step, name)
        if text:
            found.extend((name, key) for key in keys_named(text, language) if key not in digits)
    return found


# Keys said by name in a sentence ("press star").
_KEY_NAMES = {"*": N_("call.key_star"), "#": N_("call.key_pound")}


def intent_words(intent: str | None, language: str) -> str | None:
    """What a built-in intent lets callers do ("book an appointment"); None for another."""
    from receptionist.call_flows.meaning import LABELS  # the intent model's module: on use

    return gettext(language, LABELS[intent]) if intent in LABELS else None


def what_choice_does(choice: MenuChoice, language: str) -> str:
    """What the choice lets callers do, as said after its key ("to book an appointment"):
    its label, else a built-in intent's words, else its intent's name."""
    return (choice.label or intent_words(choice.intent, language)
            or choice.intent.replace("_", " "))


def keys_sentence(choices: list[MenuChoice], language: str) -> str:
    """"Sorry, I did not catch that. You can also press 1 to book an appointment, 2 to
    leave a message, or 0 to speak with someone." (the choices with a key, in order);
    "" when no choice has a key."""
    items = [gettext(language, "call.menu_key_item",
                     key=gettext(language, _KEY_NAMES[c.digit]) if c.digit in _KEY_NAMES
                     else c.digit, what=what_choice_does(c, language))
             for c in choices if c.digit is not None]
    if not items:
        return ""
    return gettext(language, "call.menu_keys_reprompt",
                   keys=format_list(language, items, style="or"))
