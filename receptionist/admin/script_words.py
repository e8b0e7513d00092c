"""A script's steps and intents in words an owner reads ("Main menu", "Booking", "Know our
prices"), never their ids (`main_menu`, `book`, `faq_2`): the script's own labels where it
has them, else the catalog's words in the reader's language."""

from __future__ import annotations

from receptionist.call_flows.meaning import LABELS, faq_intent
from receptionist.call_flows.schema import MenuStep, Script
from receptionist.i18n import N_, gettext, lang_key

# What a step of each kind does, as the owner names it.
STEP_KINDS = {
    "say": N_("admin.step.say"),
    "menu": N_("admin.step.menu"),
    "hours": N_("admin.step.hours"),
    "message": N_("admin.step.message"),
    "book": N_("admin.step.book"),
    "manage_booking": N_("admin.step.manage_booking"),
    "transfer": N_("admin.step.transfer"),
    "hangup": N_("admin.step.hangup"),
}
_EXCERPT = 40


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kind_label(script: Script, step_id: str, language: str) -> str:
    if step_id == script.main_menu:
        return gettext(language, "admin.step.main_menu")
    if step_id == script.start:
        return gettext(language, "admin.step.greeting")
    kind = script.steps[step_id].kind
    msgid = STEP_KINDS.get(kind)
    return gettext(language, msgid) if msgid else kind


def _words_of(script: Script, step_id: str) -> str:
    """What the step says first (its prompt or text), shortened."""
    step = script.steps[step_id]
    text = str(getattr(step, "prompt", None) or getattr(step, "text", None) or "")
    text = " ".join(text.split())
    if len(text) <= _EXCERPT:
        return text
    cut = text[:_EXCERPT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"


def step_label(script: Script | None, step_id: str | None, language: str) -> str:
    """A step in words; a step two share the words of is told apart by what it says."""
    if script is None or step_id is None or step_id not in script.steps:
        return gettext(language, "admin.step.removed")
    label = _kind_label(script, step_id, language)
    twins = [other for other in script.steps
             if other != step_id and _kind_label(script, other, language) == label]
    words = _words_of(script, step_id) if twins else ""
    return gettext(language, "admin.step.quoted", label=label, text=words) if words else label


def intent_label(script: Script | None, intent: str | None, language: str) -> str:
    """What the caller wanted, as a verb phrase ("book an appointment", "know our
    prices"): the script's label when the reader reads the script's language, else the
    catalog's for a built-in intent, else the script's label, else the id in words."""
    if not intent:
        return gettext(language, "admin.intent.none")
    own = _script_label(script, intent) if script is not None else None
    same = script is not None and lang_key(script.language) == lang_key(language)
    builtin = LABELS.get(intent)
    if own and (same or builtin is None):
        return own
    if builtin is not None:
        return gettext(language, builtin)
    return own or intent.replace("_", " ")


def intent_title(script: Script | None, intent: str | None, language: str) -> str:
    """The same, as a table's row heading ("Know our prices")."""
    return _capital(intent_label(script, intent, language))


def _script_label(script: Script, intent: str) -> str | None:
    for step in script.steps.values():
        if isinstance(step, MenuStep):
            for choice in step.choices:
                if choice.intent == intent and choice.label:
                    return choice.label
    for index, entry in enumerate(script.faq):
        if faq_intent(index, entry) == intent and entry.label:
            return entry.label
    return None
