"""The call timeline's vocabulary: what kind of thing happened (`EventKind`) and its typed
facts (`EventFields`), stored as JSON beside the kind in `call_events.fields`.

Summaries, outcomes, the dashboard, the transfer announcement and the admin pages read
these fields; nothing parses text back (a readable line is made from the fields when
shown: calls.event_text). The kinds' values are the strings stored since the first
version, so rows and SQL filters on `kind` are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class EventKind(StrEnum):
    # The call and its status callbacks (calls.service, twilio/)
    call_started = "call_started"
    status = "status"
    status_ignored = "status_ignored"
    status_timeout = "status_timeout"
    rejected = "rejected"
    stale_callback = "stale_callback"
    speech = "speech"  # the caller's audio is forked for speech recognition
    fallback = "fallback"  # a message taken by the fallback flow, imported
    recording_status = "recording_status"
    recording_notice = "recording_notice"
    # Screening before the script (call_flows.gatekeeper)
    screened_out = "screened_out"
    challenge = "challenge"
    challenge_passed = "challenge_passed"
    challenge_missed = "challenge_missed"
    challenge_failed = "challenge_failed"
    # Any step
    enter = "enter"
    end = "end"
    hangup = "hangup"
    hours = "hours"
    invalid_key = "invalid_key"
    no_input = "no_input"
    no_match = "no_match"
    # Menus
    prompt = "prompt"
    understood = "understood"
    choice = "choice"
    confirm_asked = "confirm_asked"
    confirmed = "confirmed"
    confirm_refused = "confirm_refused"
    invalid_speech = "invalid_speech"
    speech_busy = "speech_busy"
    # Words the media stream heard at a prompt that answer nothing there (a "yeah" it
    # barely heard, "the weather" at an offer): the prompt went on. If the caller then
    # gives no answer, they hear "I did not understand", not "I did not hear anything".
    words_ignored = "words_ignored"
    # Messages
    record = "record"
    message_recorded = "message_recorded"
    message_absent = "message_absent"
    # Booking
    booking_refused = "booking_refused"
    booking_wish = "booking_wish"
    booking_unavailable = "booking_unavailable"
    ask_type = "ask_type"
    ask_who = "ask_who"
    type_chosen = "type_chosen"
    who_chosen = "who_chosen"
    offer = "offer"
    time_asked = "time_asked"
    slot_chosen = "slot_chosen"
    other_day = "other_day"
    no_other_day = "no_other_day"
    no_slot = "no_slot"
    slot_declined = "slot_declined"
    which_one = "which_one"  # a plain yes to several times: which one was asked
    booking_declined = "booking_declined"  # "no thanks": nothing booked
    day_limit = "day_limit"
    slot_taken = "slot_taken"
    booked = "booked"
    moved = "moved"
    name_recorded = "name_recorded"
    # The caller's own booking
    no_appointment = "no_appointment"
    appointment_found = "appointment_found"
    cancelled = "cancelled"
    kept = "kept"
    # Transfers and screened transfers
    transfer = "transfer"
    transfer_skipped = "transfer_skipped"
    transfer_failed = "transfer_failed"
    transfer_completed = "transfer_completed"
    transfer_late = "transfer_late"
    transfer_announced = "transfer_announced"
    transfer_accepted = "transfer_accepted"
    transfer_declined = "transfer_declined"
    transfer_unanswered = "transfer_unanswered"


class Reason(StrEnum):
    """Why something was refused, failed or ended, when the kind alone does not say."""

    goodbye = "goodbye"  # end: the caller said goodbye
    anonymous = "anonymous"  # screened_out: no caller ID
    blocked = "blocked"  # screened_out: a blocked number
    unknown_number = "unknown_number"  # rejected: no business has the number called
    no_script = "no_script"  # rejected: the business has no published script
    rate_limit = "rate_limit"  # rejected: over the business's new calls per minute
    challenge_answered = "challenge_answered"  # stale_callback at the robocall check
    unknown_caller = "unknown_caller"  # booking_refused: known callers only
    not_by_phone = "not_by_phone"  # booking_refused: the type is not booked by phone
    no_agenda = "no_agenda"  # booking_unavailable
    agenda_gone = "agenda_gone"
    practitioner_gone = "practitioner_gone"
    appointment_gone = "appointment_gone"  # no_appointment: it went while the caller chose
    no_audio = "no_audio"  # message_absent: the caller left no audio
    nobody_available = "nobody_available"  # transfer_failed: no ring group takes calls now
    declined = "declined"  # transfer_failed: the person rung pressed the decline key
    silent = "silent"  # transfer_failed: answered, no key (a voicemail?)
    not_taken = "not_taken"  # transfer_failed: answered but not accepted
    unknown_status = "unknown_status"  # transfer_failed: a dial status we do not know
    caller_gone = "caller_gone"  # transfer_late: the caller hung up meanwhile


Via = Literal["keypad", "speech", "speech-key", "confirmed"]
# How a menu choice was made: a key, words understood surely, a key said in words, words
# understood then confirmed by the caller.
SPOKEN: frozenset[str] = frozenset({"speech", "speech-key", "confirmed"})
Band = Literal["route", "confirm", "reprompt"]


class Ranked(BaseModel):
    """An intent the model also considered, with its probability."""

    model_config = ConfigDict(frozen=True)
    intent: str
    probability: float


class SlotOffered(BaseModel):
    """A slot offered to the caller: its start in the agenda's time zone, and the agenda
    when the caller chose a practitioner."""

    model_config = ConfigDict(frozen=True)
    at: datetime
    agenda: str | None = None


class EventFields(BaseModel):
    """The facts of one event; every field is optional and only set ones are stored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # Menus and what the caller said
    intent: str | None = None
    via: Via | None = None
    digit: str | None = None  # the keys pressed ("" for none)
    heard: str | None = None  # the caller's words (at most 200 characters)
    band: Band | None = None
    confidence: float | None = None  # the intent model's, in [0, 1]
    heard_confidence: float | None = None  # the speech engine's, None when typed
    alternatives: tuple[Ranked, ...] | None = None
    attempt: int | None = None  # 1 for the first prompt; for no_match, how many were made
    # Steps and the call
    step_kind: str | None = None  # enter: the kind of the step entered
    script_version: int | None = None
    state: str | None = None  # the business's hours: open, closed, holiday
    status: str | None = None  # the call's, a dialed number's or a recording's status
    previous_status: str | None = None  # status_ignored: the status already reached
    reason: Reason | None = None
    # Numbers, transfers, screening
    number: str | None = None
    numbers: tuple[str, ...] | None = None
    screened: bool | None = None
    verdict: str | None = None  # challenge: passed, failed, missing (call_flows.gatekeeper)
    stir_verstat: str | None = None
    only_if: str | None = None  # transfer_skipped: the condition not met
    seq: int | None = None  # stale_callback: the sequence the callback carried
    expected_seq: int | None = None
    limit: int | None = None  # rejected: calls per minute
    duration_s: int | None = None  # talked, recorded, or waited for a status
    max_s: int | None = None  # record: the longest message
    # Messages and bookings
    recording: str | None = None  # a RecordingSid
    appointment: int | None = None
    at: datetime | None = None  # a slot or an appointment's start
    agenda: str | None = None
    type: str | None = None  # an appointment type
    who: str | None = None  # a practitioner (agenda slug) or "anyone"
    found: int | None = None  # time_asked: slots matching the caller's words
    offered: tuple[SlotOffered, ...] | None = None
    # Free text: an error's message, or an old row's text the migration could not read.
    note: str | None = None

    def dump(self) -> dict[str, Any]:
        """The JSON stored: the fields set, nothing else."""
        return self.model_dump(mode="json", exclude_none=True)


NO_FIELDS = EventFields()


@lru_cache(maxsize=256)
def entered(step_kind: str) -> EventFields:
    """The fields of `enter` for a step of this kind: one shared (frozen) object per kind,
    not a new model validated on every step a call enters."""
    return EventFields(step_kind=step_kind)


def _written_as(annotation: Any) -> str | None:
    """How a field's validated value is written to JSON directly ("str": text, a literal
    or a StrEnum; "int"; "bool"), or None: through pydantic's dump."""
    kinds = [arg for arg in get_args(annotation) if arg is not type(None)] or [annotation]
    if len(kinds) != 1:
        return None
    kind = kinds[0]
    if get_origin(kind) is Literal and all(isinstance(v, str) for v in get_args(kind)):
        return "str"
    if not isinstance(kind, type):
        return None
    if issubclass(kind, str):  # text, a StrEnum
        return "str"
    return {bool: "bool", int: "int"}.get(kind)


_WRITTEN_AS = {name: kind for name, info in EventFields.model_fields.items()
               if (kind := _written_as(info.annotation)) is not None}


def fields_text(fields: EventFields | None) -> str:
    """`json.dumps(fields.dump())`, the text SQLAlchemy's JSON type writes on SQLite, made
    directly when every field holding a value is text, an integer or a flag as declared
    (nearly every event: the step's kind, the key pressed, the attempt…), else through
    `dump`. An event's model dump and JSON encoding took ~3.5 µs, several times per
    webhook. The values are read as `dump` reads them (every field not None, in the
    model's order), whether the fields were validated or not."""
    if fields is None:
        return "{}"
    parts = []
    for name, value in fields.__dict__.items():
        if value is None:
            continue
        kind = _WRITTEN_AS.get(name)
        if kind == "str" and isinstance(value, str):
            text = encode_basestring_ascii(value)
        elif kind == "int" and type(value) is int:
            text = int.__repr__(value)
        elif kind == "bool" and (value is True or value is False):
            text = "true" if value else "false"
        else:  # a float, a datetime, offered slots, anything unexpected: pydantic's
            return json.dumps(fields.dump())
        parts.append(f'"{name}": {text}')
    return "{" + ", ".join(parts) + "}"


def load_fields(value: object) -> EventFields:
    """The stored JSON back as fields; a value that does not fit (edited by hand, say) is
    kept whole as a note rather than breaking the pages that show it."""
    if not value:
        return NO_FIELDS
    try:
        return EventFields.model_validate(value)
    except ValidationError:
        return EventFields(note=str(value))


class FieldsJSON(TypeDecorator[EventFields]):
    """`EventFields` in a JSON column (SQLite and PostgreSQL alike)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: EventFields | None, dialect: Dialect
                           ) -> dict[str, Any]:
        return {} if value is None else value.dump()

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite with SQLAlchemy's own JSON encoding, the same text made directly
        (`fields_text`); elsewhere (PostgreSQL's driver adapts JSON itself) as declared."""
        if dialect.name == "sqlite" and getattr(dialect, "_json_serializer", None) is None:
            return fields_text
        return super().bind_processor(dialect)

    def process_result_value(self, value: object, dialect: Dialect) -> EventFields:
        return load_fields(value)


@dataclass(frozen=True, slots=True)
class Logged:
    """An event buffered by a flow before it is written (the same facts as a row)."""

    at: datetime
    step: str | None
    kind: EventKind
    fields: EventFields
