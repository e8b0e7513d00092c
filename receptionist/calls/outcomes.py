"""How a call ended, from its timeline: what the owner wants to know of each call (was it
handled without a person?) and where callers get stuck.

Outcomes, by precedence: `transferred` (a person took it), `booked`, `moved`,
`cancelled` (what the caller did to an appointment: a call that only cancelled is not a
booking), `missed` (the caller asked for a person and nobody took the call: counted
apart, even when a message was left after it), `message` (one was left), `answered` (a
question was answered: hours, an FAQ, the caller's own appointment read back and kept),
`screened` (blocked, or failed the robocall check), else `abandoned` (the caller hung up
before any of these). Booked, moved, cancelled, message and answered are handled without
a person: the automation rate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from receptionist.calls.events import EventFields, EventKind

OUTCOMES = ("booked", "moved", "cancelled", "answered", "message", "transferred", "missed",
            "abandoned", "screened")
AUTOMATED = frozenset({"booked", "moved", "cancelled", "answered", "message"})
# Intents that are a way to something else, not a question answered.
_ROUTING = frozenset({"book", "message", "transfer", "urgent", "manage", "manage_booking",
                      "repeat", "goodbye", "yes", "no"})
BOOKING_DONE = frozenset({EventKind.booked, EventKind.moved, EventKind.cancelled,
                          EventKind.kept})
# A transfer that did not reach a person: no answer, busy, declined, a voicemail, nobody
# on duty, or the caller gone before the person rung took it.
TRANSFER_MISSED = frozenset({EventKind.transfer_failed, EventKind.transfer_late,
                             EventKind.transfer_unanswered, EventKind.transfer_declined})
# Where a caller was not understood or said no: the "stuck" signals, by kind.
STUCK: dict[str, str] = {
    EventKind.invalid_key: "re-prompt", EventKind.no_input: "re-prompt",
    EventKind.invalid_speech: "re-prompt", EventKind.no_match: "gave up on",
    EventKind.confirm_refused: "confirmation refused",
    EventKind.slot_declined: "confirmation refused", EventKind.speech_busy: "keypad fallback"}


@dataclass
class Timeline:
    """What one call's events say: its outcome, the first thing asked for, the step the
    caller was last in, and each stuck signal with its step."""

    outcome: str
    intent: str | None
    last_step: str | None
    stuck: list[tuple[str, str]] = field(default_factory=list)  # (signal, step)


def read(events: Iterable[tuple[str, str | None, EventFields]], *, screened: bool = False
         ) -> Timeline:
    """`events`: (kind, step, fields) in order."""
    kinds: set[str] = set()
    intent: str | None = None
    answered = False
    last_step: str | None = None
    stuck: list[tuple[str, str]] = []
    for kind, step, fields in events:
        kinds.add(kind)
        if kind == EventKind.enter:
            last_step = step
        if kind == EventKind.choice and (chosen := fields.intent):
            intent = intent or chosen
            answered = answered or chosen not in _ROUTING
        if kind in STUCK and step:
            stuck.append((STUCK[kind], step))
    if EventKind.transfer_completed in kinds:
        outcome = "transferred"
    elif EventKind.booked in kinds:
        outcome = "booked"
    elif EventKind.moved in kinds:
        outcome = "moved"
    elif EventKind.cancelled in kinds:
        outcome = "cancelled"
    elif kinds & TRANSFER_MISSED:
        outcome = "missed"
    elif EventKind.message_recorded in kinds:
        outcome = "message"
    elif answered or EventKind.kept in kinds:
        outcome = "answered"
    elif screened:
        outcome = "screened"
    else:
        outcome = "abandoned"
    return Timeline(outcome, intent, last_step, stuck)
