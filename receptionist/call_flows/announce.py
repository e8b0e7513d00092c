"""What the person a call is transferred to hears before taking it (screening): who is
calling, what they want, how urgent; then which key takes the call. Built from the
call's own timeline (the menu's choices and what the caller said there)."""

from __future__ import annotations

from dataclasses import dataclass

from receptionist import text_fields
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.meaning import LABELS
from receptionist.call_flows.schema import MenuStep, TransferStep
from receptionist.calls import service as calls
from receptionist.calls.events import EventKind
from receptionist.contacts import service as contacts
from receptionist.i18n import gettext

# Intents that say nothing about why the caller wants a person.
_NO_REASON = frozenset({"transfer", "urgent", "repeat", "yes", "no"})


@dataclass(frozen=True)
class Reason:
    intent: str | None  # the last thing the caller asked for, other than a person
    label: str  # that intent said as a receptionist would ("book an appointment")
    said: str  # the last words the caller said at a menu
    urgent: bool


def reason(ctx: FlowContext) -> Reason:
    """Why the caller is calling, from the timeline so far (including this request's)."""
    timeline = [(e.kind, e.fields) for e in calls.call_events(ctx.session, call=ctx.call)]
    timeline += [(e.kind, e.fields) for e in ctx.events]
    intent, said, urgent = None, "", False
    for kind, fields in timeline:
        if kind == EventKind.choice and (chosen := fields.intent):
            urgent = urgent or chosen == "urgent"
            if chosen not in _NO_REASON:
                intent = chosen
        elif kind == EventKind.understood:
            said = fields.heard or said
            urgent = urgent or (fields.intent == "urgent" and fields.band != "reprompt")
    return Reason(intent, _label(ctx, intent), said, urgent)


def _label(ctx: FlowContext, intent: str | None) -> str:
    if intent is None:
        return ""
    for step in ctx.script.steps.values():
        if isinstance(step, MenuStep):
            for choice in step.choices:
                if choice.intent == intent and choice.label:
                    return choice.label
    for entry in ctx.script.faq:
        if entry.intent == intent and entry.label:
            return entry.label
    builtin = LABELS.get(intent)
    return gettext(ctx.language, builtin) if builtin else intent.replace("_", " ")


def spoken_number(number: str) -> str:
    """A phone number read digit by digit ("+1 5 5 5…")."""
    digits = [c for c in number if c.isdigit()]
    return " ".join(digits)


def announcement(ctx: FlowContext, step: TransferStep) -> str:
    """The whole text the person answering hears, keys included."""
    why = reason(ctx)
    number = ctx.call.from_number
    assert ctx.call.tenant_id is not None
    name = contacts.name_of(ctx.session, tenant_id=ctx.call.tenant_id, number=number)
    anonymous = contacts.is_anonymous(number)
    spoken = "" if anonymous else spoken_number(number)
    caller = (f"{name}, {spoken}" if name and spoken else name or spoken
              or gettext(ctx.language, "call.announce_unknown"))
    urgent = gettext(ctx.language, "call.announce_urgent") if why.urgent else ""
    if step.announce is not None:
        text = text_fields.fill(step.announce, {
            "business": ctx.script.business, "caller": caller, "caller_name": name,
            "number": spoken, "reason": why.label, "said": why.said, "urgent": urgent})
    else:
        parts = [gettext(ctx.language, "call.announce", urgent=urgent,
                         business=ctx.script.business, caller=caller)]
        if why.label:
            parts.append(gettext(ctx.language, "call.announce_reason", reason=why.label))
        elif why.said:
            parts.append(gettext(ctx.language, "call.announce_said", said=why.said[:200]))
        text = " ".join(parts)
    keys = gettext(ctx.language, "call.announce_keys", accept=step.accept_key,
                   decline=step.decline_key)
    return f"{' '.join(text.split())} {keys}"
