"""A timeline event as one readable line (the admin call page, the trial call, the owner's
summary of a transfer), made from its fields when shown: the wording the timeline had
when events were stored as text, so pages read as before. Nothing reads these lines
back: code reads `EventFields`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from receptionist.calls.events import EventFields, EventKind, Reason


def _slot(at: datetime | None) -> str:
    return "?" if at is None else f"{at:%a %d %H:%M}"


def _digit(f: EventFields) -> str:
    return f"digit={f.digit or ''}"


def _heard(f: EventFields) -> str:
    return f"heard={f.heard or ''!r}"


def _said_or_key(f: EventFields) -> str:
    return f"digit={f.digit}" if f.digit else _heard(f)


def _attempts(f: EventFields) -> str:
    return f"after {f.attempt or 0} attempts"


def _understood(f: EventFields) -> str:
    ear = "" if f.heard_confidence is None else f" heard_confidence={f.heard_confidence:.2f}"
    ranked = " ".join(f"{r.intent}:{r.probability:.2f}" for r in f.alternatives or ())
    return (f"{_heard(f)} band={f.band} intent={f.intent} "
            f"confidence={f.confidence or 0:.2f}{ear} next={ranked}")


def _choice(f: EventFields) -> str:
    digit = f" digit={f.digit}" if f.digit else ""
    return f"intent={f.intent}{digit} via={f.via}"


def _booked(f: EventFields) -> str:
    at = "?" if f.at is None else f.at.isoformat()
    return (f"appointment {f.appointment} at {at}"
            + (f" agenda={f.agenda}" if f.agenda else "") + (f" type={f.type}" if f.type else ""))


def _booking_refused(f: EventFields) -> str:
    if f.reason == Reason.not_by_phone:
        return f"type {f.type} is not booked by phone"
    return "not a known caller: fallback"


def _booking_unavailable(f: EventFields) -> str:
    if f.reason == Reason.no_agenda:
        return f"no agenda for Want(type={f.type or ''!r}, who={f.who or ''!r}): fallback"
    if f.reason == Reason.agenda_gone:
        return "agenda gone: fallback"
    return "practitioner gone: offer again"


def _rejected(f: EventFields) -> str:
    if f.reason == Reason.rate_limit:
        return f"over the limit of {f.limit} new calls per minute"
    if f.reason == Reason.no_script:
        return "the tenant has no published script"
    return "unknown number"


def _screened_out(f: EventFields) -> str:
    if f.reason == Reason.anonymous:
        return "anonymous caller refused"
    return f"blocked number {f.number}"


def _key(f: EventFields) -> str:
    return f"key {f.digit!r}" if f.digit else "no key"


def _stale(f: EventFields) -> str:
    if f.reason == Reason.challenge_answered:
        return "challenge already answered"
    return f"seq {f.seq} != {f.expected_seq}"


def _no_appointment(f: EventFields) -> str:
    if f.reason == Reason.appointment_gone:
        return "appointment gone"
    return f"none for {f.number or 'unknown'}"


def _message_absent(f: EventFields) -> str:
    if f.recording:
        return f"recording {f.recording} absent"
    return "caller left no audio"


def _transfer_failed(f: EventFields) -> str:
    if f.reason == Reason.nobody_available:
        return f"nobody takes calls now ({f.state})"
    if f.reason == Reason.declined:
        return f"declined by {f.number}"
    if f.reason == Reason.silent:
        return f"answered by {f.number} but no key pressed (voicemail?)"
    if f.reason == Reason.not_taken:
        return "answered but not taken"
    if f.reason == Reason.unknown_status:
        return f"unknown status {f.status!r}"
    return f.status or ""


def _offer(f: EventFields) -> str:
    return ", ".join(_slot(o.at) + (f" {o.agenda}" if o.agenda else "")
                     for o in f.offered or ())


# Keyed by kind (EventKind values are the strings stored in rows).
_LINES: dict[str, Callable[[EventFields], str]] = {
    EventKind.call_started: lambda f: f"script v{f.script_version}",
    EventKind.status: lambda f: f.status or "",
    EventKind.status_ignored: lambda f: f"late {f.status!r} after {f.previous_status!r}",
    EventKind.status_timeout: lambda f: "no final status from Twilio after "
                                        f"{_duration(f.duration_s or 0)}",
    EventKind.rejected: _rejected,
    EventKind.stale_callback: _stale,
    EventKind.speech: lambda f: "listening",
    EventKind.fallback: lambda f: "message taken by the fallback flow, imported",
    EventKind.recording_status: lambda f: f"{f.recording}: {f.status}",
    EventKind.screened_out: _screened_out,
    EventKind.challenge: lambda f: f"caller ID {f.verdict} "
                                   f"({f.stir_verstat or 'no StirVerstat'})",
    EventKind.challenge_missed: _key,
    EventKind.challenge_failed: _key,
    EventKind.enter: lambda f: f.step_kind or "",
    EventKind.end: lambda f: "the caller said goodbye" if f.reason == Reason.goodbye else "",
    EventKind.hours: lambda f: f.state or "",
    EventKind.invalid_key: _digit,
    EventKind.no_input: lambda f: "" if f.digit is None else _digit(f),
    EventKind.no_match: _attempts,
    EventKind.prompt: lambda f: f"attempt {f.attempt}",
    EventKind.understood: _understood,
    EventKind.choice: _choice,
    EventKind.confirm_asked: lambda f: f"intent={f.intent}",
    EventKind.confirmed: lambda f: f"intent={f.intent}",
    EventKind.confirm_refused: lambda f: f"intent={f.intent}",
    EventKind.invalid_speech: _heard,
    EventKind.speech_busy: lambda f: "asked for the keypad",
    EventKind.words_ignored: lambda f: f"{_heard(f)} heard_confidence="
                                       f"{f.heard_confidence or 0:.2f}: no answer here",
    EventKind.record: lambda f: f"max {f.max_s}s",
    EventKind.message_recorded: lambda f: f"{f.duration_s}s recording {f.recording}",
    EventKind.message_absent: _message_absent,
    EventKind.booking_refused: _booking_refused,
    EventKind.booking_wish: lambda f: f"type={f.type or '-'} who={f.who or '-'}",
    EventKind.booking_unavailable: _booking_unavailable,
    EventKind.ask_who: lambda f: f"type={f.type or '-'}",
    EventKind.type_chosen: lambda f: f"type={f.type} {_said_or_key(f)}",
    EventKind.who_chosen: lambda f: f"who={f.who} {_said_or_key(f)}",
    EventKind.offer: _offer,
    EventKind.time_asked: lambda f: f"{_heard(f)} found={f.found}",
    EventKind.slot_chosen: lambda f: f"{_slot(f.at)} {_digit(f)}",
    EventKind.no_slot: lambda f: "fallback",
    EventKind.which_one: lambda f: "a yes to several times: asked which one",
    EventKind.booking_declined: lambda f: "no thanks: nothing booked",
    EventKind.day_limit: lambda f: "?" if f.at is None else f"{f.at:%a %d}",
    EventKind.booked: _booked,
    EventKind.moved: _booked,
    EventKind.name_recorded: lambda f: f"appointment {f.appointment}",
    EventKind.no_appointment: _no_appointment,
    EventKind.appointment_found: lambda f: f"appointment {f.appointment}",
    EventKind.cancelled: lambda f: f"appointment {f.appointment}",
    EventKind.kept: lambda f: f"appointment {f.appointment}",
    EventKind.transfer: lambda f: f"dialing {', '.join(f.numbers or ())}"
                                  + (" (screened)" if f.screened else ""),
    EventKind.transfer_skipped: lambda f: f"not {f.only_if}: a message instead",
    EventKind.transfer_failed: _transfer_failed,
    EventKind.transfer_completed: lambda f: f"talked {f.duration_s or 0}s"
                                            + (f" with {f.number}" if f.number else ""),
    EventKind.transfer_late: lambda f: "the caller is no longer waiting",
    EventKind.transfer_announced: lambda f: f"to {f.number}"
                                            + (" again" if (f.attempt or 1) > 1 else ""),
    EventKind.transfer_accepted: lambda f: f"by {f.number}",
    EventKind.transfer_declined: lambda f: f"by {f.number}",
    EventKind.transfer_unanswered: lambda f: f"no key from {f.number}",
}


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def describe(kind: str, fields: EventFields) -> str:
    """The event's line (without its kind and step). A note is the line: an error's
    message, or an old row's text that the migration could not read."""
    if fields.note is not None:
        return fields.note
    line = _LINES.get(kind)
    if line is None:
        return " ".join(f"{name}={value}" for name, value in fields.dump().items())
    return line(fields)
