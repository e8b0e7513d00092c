"""What happened in a call, as the owner would tell it: the facts of its timeline in order
(asked about prices, booked, cancelled, the transfer not answered, left a message, hung
up during the greeting), read from the events' typed fields, never from text.

The facts hold ids (an appointment, an agenda, an intent, a step); the admin turns them
into a sentence in the reader's language with names from the database and the script
(`admin/call_words.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.calls.outcomes import TRANSFER_MISSED

# Intents that are a way somewhere or a word of the dialogue, not a question answered.
ROUTING = frozenset({"book", "message", "transfer", "urgent", "manage", "manage_booking",
                     "repeat", "goodbye", "yes", "no"})


class Fact(StrEnum):
    asked = "asked"  # a question answered (an FAQ, the hours): `intent`
    wanted = "wanted"  # the last way chosen before hanging up with nothing done: `intent`
    booked = "booked"  # `appointment`, `at`, `agenda`, `type`
    moved = "moved"  # `appointment`, `at` (the new time)
    cancelled = "cancelled"  # `appointment`
    kept = "kept"  # `appointment`
    no_appointment = "no_appointment"  # wanted to change an appointment, none found
    transferred = "transferred"  # a person took the call: `number`, `seconds`
    transfer_missed = "transfer_missed"  # `reason`: why nobody took it
    message = "message"  # `recording`
    hung_up = "hung_up"  # nothing done: `step`, `step_kind`, `greeting`
    screened = "screened"  # turned away before the script: `reason`


class Missed(StrEnum):
    """Why a transfer reached nobody."""

    no_answer = "no_answer"  # rang out, busy, failed, a voicemail, not taken
    declined = "declined"  # the person rung pressed the decline key
    nobody_available = "nobody_available"  # no ring group takes calls now
    caller_gone = "caller_gone"  # the caller hung up while it rang


@dataclass(frozen=True)
class Told:
    """One fact of the call, with what it needs to be said."""

    fact: Fact
    at_event: int  # the index of its event in the timeline
    intent: str | None = None
    appointment: int | None = None
    at: datetime | None = None
    agenda: str | None = None
    type: str | None = None
    number: str | None = None
    seconds: int | None = None
    recording: str | None = None
    missed: Missed | None = None
    step: str | None = None
    step_kind: str | None = None
    greeting: bool = False


def _missed(kind: str, fields: EventFields) -> Missed:
    if kind == EventKind.transfer_late or fields.reason == Reason.caller_gone:
        return Missed.caller_gone
    if kind == EventKind.transfer_declined or fields.reason == Reason.declined:
        return Missed.declined
    if fields.reason == Reason.nobody_available:
        return Missed.nobody_available
    return Missed.no_answer


# Calls stopped before the script (contacts.service.SCREENED_OUT: `challenged` is a caller
# who never pressed the key).
SCREENED_OUT = frozenset({"blocked", "anonymous", "spam", "challenged"})
# The ways a caller chooses at a menu (what they "wanted" when nothing came of it).
WAYS = frozenset({"book", "message", "transfer", "urgent", "manage", "manage_booking"})


def tell(events: Iterable[tuple[str, str | None, EventFields]], *,
         screening: str | None = None) -> list[Told]:
    """The facts of a timeline, `events`: (kind, step, fields) in order. `screening`: the
    call's `Call.screening` (blocked, anonymous, spam, challenged, passed or None)."""
    if screening in SCREENED_OUT:
        return [Told(Fact.screened, 0)]
    facts: list[Told] = []
    way: tuple[int, str] | None = None  # the last way chosen at a menu
    entered: list[tuple[str | None, str | None]] = []  # (step, kind) of each step entered
    asked_again = False
    for index, (kind, step, fields) in enumerate(events):
        if kind == EventKind.enter:
            entered.append((step, fields.step_kind))
        elif kind in (EventKind.no_input, EventKind.invalid_key, EventKind.invalid_speech,
                      EventKind.confirm_refused):
            asked_again = True
        elif kind == EventKind.choice and fields.intent:
            if fields.intent in WAYS:
                way = (index, fields.intent)
            elif fields.intent not in ROUTING and not (
                    facts and facts[-1].fact == Fact.asked
                    and facts[-1].intent == fields.intent):
                facts.append(Told(Fact.asked, index, intent=fields.intent))
        elif kind in (EventKind.booked, EventKind.moved):
            facts.append(Told(Fact(kind), index, appointment=fields.appointment,
                              at=fields.at, agenda=fields.agenda, type=fields.type))
        elif kind in (EventKind.cancelled, EventKind.kept):
            facts.append(Told(Fact(kind), index, appointment=fields.appointment))
        elif kind == EventKind.no_appointment and fields.reason != Reason.appointment_gone:
            facts.append(Told(Fact.no_appointment, index))
        elif kind == EventKind.transfer_completed:
            facts.append(Told(Fact.transferred, index, number=fields.number,
                              seconds=fields.duration_s))
        elif kind in TRANSFER_MISSED:
            # One fact per transfer, however many numbers were rung in turn.
            if not (facts and facts[-1].fact == Fact.transfer_missed):
                facts.append(Told(Fact.transfer_missed, index, missed=_missed(kind, fields)))
        elif kind == EventKind.message_recorded:
            facts.append(Told(Fact.message, index, recording=fields.recording))
    if way is not None and not any(f.at_event > way[0] for f in facts):
        # A way was chosen and nothing came of it: the caller hung up on the way.
        facts.append(Told(Fact.wanted, way[0], intent=way[1]))
    if facts and facts[-1].fact != Fact.wanted:
        return facts
    step, step_kind = entered[-1] if entered else (None, None)
    # Nothing chosen nor asked again at the first menu: the caller left while being
    # greeted (the welcome and the opening question).
    greeting = (way is None and not asked_again and not facts
                and sum(1 for _, k in entered if k == "menu") <= 1
                and step_kind in (None, "say", "menu", "hours"))
    facts.append(Told(Fact.hung_up, len(entered), step=step, step_kind=step_kind,
                      greeting=greeting))
    return facts
