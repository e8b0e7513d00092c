"""Calls in plain words: each call's outcome and one line in the reader's language ("Booked
a check-up, Tue, Nov 17, 11:00 AM with Dr Martin", "Asked for someone: no answer, then
left a message"), made from its timeline's facts (`calls.story`) with names from the
database (the caller's contact or booking, the appointment's agenda) and the script
(labels, appointment types). A page's calls are read in a few grouped queries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from sqlmodel import Session, col, select

from receptionist.admin.script_words import intent_label
from receptionist.appointments.models import Agenda, Appointment
from receptionist.call_flows.schema import Script
from receptionist.calls import outcomes, story
from receptionist.calls.events import EventFields
from receptionist.calls.models import Call, CallEvent
from receptionist.calls.service import TERMINAL_STATUSES
from receptionist.calls.story import Fact, Missed, Told
from receptionist.contacts import service as contacts
from receptionist.i18n import N_, format_day, gettext, locale, ngettext
from receptionist.messages.models import Message

# The outcome shown for a call (calls.outcomes, and two of the list's own).
OUTCOME_WORDS = {
    "booked": N_("admin.outcome.booked"),
    "moved": N_("admin.outcome.moved"),
    "cancelled": N_("admin.outcome.cancelled"),
    "answered": N_("admin.outcome.answered"),
    "message": N_("admin.outcome.message"),
    "transferred": N_("admin.outcome.transferred"),
    "missed": N_("admin.outcome.missed"),
    "abandoned": N_("admin.outcome.abandoned"),
    "screened": N_("admin.outcome.screened"),
    "in_progress": N_("admin.outcome.in_progress"),
}
_MISSED = {
    Missed.no_answer: N_("admin.story.transfer_no_answer"),
    Missed.declined: N_("admin.story.transfer_declined"),
    Missed.nobody_available: N_("admin.story.transfer_nobody"),
    Missed.caller_gone: N_("admin.story.transfer_caller_gone"),
}
_HUNG_UP = {
    "menu": N_("admin.story.hung_up_menu"),
    "book": N_("admin.story.hung_up_book"),
    "manage_booking": N_("admin.story.hung_up_manage"),
    "message": N_("admin.story.hung_up_message"),
    "transfer": N_("admin.story.transfer_caller_gone"),
}
_SPACES = re.compile(" {2,}")
_HUNG_UP_ELSEWHERE = N_("admin.story.hung_up")
_SCREENED = {
    "blocked": N_("admin.story.screened_blocked"),
    "anonymous": N_("admin.story.screened_anonymous"),
    "spam": N_("admin.story.screened_spam"),
    "challenged": N_("admin.story.screened_spam"),
}
_APPOINTMENT = {
    Fact.booked: N_("admin.story.booked"),
    Fact.moved: N_("admin.story.moved"),
    Fact.cancelled: N_("admin.story.cancelled"),
    Fact.kept: N_("admin.story.kept"),
}


@dataclass
class Retold:
    """One call as the owner reads it."""

    call: Call
    outcome: str  # an OUTCOME_WORDS key
    summary: str
    name: str  # the caller's, from contacts or bookings ("" when unknown)
    facts: list[Told] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)  # each one once

    @property
    def ended(self) -> bool:
        return self.call.status in TERMINAL_STATUSES


def short_when(language: str, moment: datetime) -> str:
    """A day and time without the year: "Tue, Nov 17, 11:00 AM" / « mar. 17 nov., 11:00 »."""
    where = locale(language)
    day = babel_dates.format_skeleton("MMMEd", moment, locale=where)
    joined = str(babel_dates.get_datetime_format("medium", locale=where))
    return joined.replace("{1}", day).replace(
        "{0}", babel_dates.format_time(moment, "short", locale=where))


def long_when(language: str, moment: datetime) -> str:
    """With the year: the call page's heading."""
    where = locale(language)
    joined = str(babel_dates.get_datetime_format("medium", locale=where))
    return joined.replace("{1}", format_day(language, moment)).replace(
        "{0}", babel_dates.format_time(moment, "short", locale=where))


def duration_words(language: str, seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return ngettext(language, "admin.story.seconds", "admin.story.seconds_plural", seconds)
    return ngettext(language, "admin.story.minutes", "admin.story.minutes_plural",
                    (seconds + 30) // 60)


@dataclass
class _Names:
    """What the words of a page's calls need from the database and the script."""

    script: Script | None
    tz: ZoneInfo
    agendas: dict[int, Agenda]
    by_slug: dict[str, Agenda]
    appointments: dict[int, Appointment]
    urgent: set[str]  # recording SIDs of urgent messages


def _who(names: _Names, slug: str | None, language: str) -> str:
    if not slug:
        return ""
    person = names.script.booking.practitioners.get(slug) if names.script else None
    agenda = names.by_slug.get(slug)
    name = person.name if person else agenda.name if agenda else ""
    if not name or (agenda is not None and agenda.slug == "main" and person is None):
        return ""
    return gettext(language, "admin.story.with", name=name)


def _what(names: _Names, type_id: str | None, language: str) -> str:
    kind = names.script.booking.types.get(type_id) if names.script and type_id else None
    return kind.name if kind else gettext(language, "admin.story.an_appointment")


def _appointment_words(told: Told, names: _Names, language: str) -> str:
    row = names.appointments.get(told.appointment or -1)
    at = told.at if told.fact in (Fact.booked, Fact.moved) and told.at else (
        row.starts_at if row is not None else told.at)
    agenda = told.agenda or (names.agendas[row.agenda_id].slug
                             if row is not None and row.agenda_id in names.agendas else None)
    type_id = told.type or (row.appointment_type if row is not None else None)
    when = short_when(language, at.astimezone(names.tz)) if at is not None else ""
    return gettext(language, _APPOINTMENT[told.fact], what=_what(names, type_id, language),
                   when=when, who=_who(names, agenda, language))


def fact_words(told: Told, names: _Names, language: str, *, screening: str | None) -> str:
    """One fact, in lower case, to be joined with the others."""
    if told.fact in (Fact.asked, Fact.wanted):
        return gettext(language, "admin.story.wanted",
                       what=intent_label(names.script, told.intent, language))
    if told.fact in _APPOINTMENT:
        return _appointment_words(told, names, language)
    if told.fact == Fact.no_appointment:
        return gettext(language, "admin.story.no_appointment")
    if told.fact == Fact.transferred:
        return gettext(language, "admin.story.transferred",
                       duration=duration_words(language, told.seconds))
    if told.fact == Fact.transfer_missed:
        return gettext(language, _MISSED[told.missed or Missed.no_answer])
    if told.fact == Fact.message:
        if told.recording in names.urgent:
            return gettext(language, "admin.story.urgent_message")
        return gettext(language, "admin.story.message")
    if told.fact == Fact.screened:
        return gettext(language, _SCREENED.get(screening or "", _SCREENED["spam"]))
    if told.greeting:
        return gettext(language, "admin.story.hung_up_greeting")
    return gettext(language, _HUNG_UP.get(told.step_kind or "", _HUNG_UP_ELSEWHERE))


def summary_line(facts: Sequence[Told], names: _Names, language: str, *,
                 screening: str | None, ended: bool) -> str:
    """The facts joined ("…, then …"), with a capital; a call still going says so."""
    shown = [f for f in facts if ended or f.fact not in (Fact.hung_up, Fact.wanted)]
    if not shown:
        line = gettext(language, "admin.story.in_progress")
    else:
        line = fact_words(shown[0], names, language, screening=screening)
    for told in shown[1:]:
        line = gettext(language, "admin.story.then", before=line,
                       after=fact_words(told, names, language, screening=screening))
    # An empty field ("with …" for one agenda) leaves two spaces; no-break ones stay.
    line = _SPACES.sub(" ", line).strip(" ")
    return line[:1].upper() + line[1:]


def retell(db: Session, *, tenant_id: int, tz: ZoneInfo, script: Script | None,
           calls: Sequence[Call], language: str) -> list[Retold]:
    """The page's calls in words: their events, messages, appointments and callers' names
    read in one query each."""
    ids = [c.id for c in calls if c.id is not None]
    events: dict[int, list[tuple[str, str | None, EventFields]]] = {i: [] for i in ids}
    if ids:
        for call_id, kind, step, fields in db.execute(
                select(col(CallEvent.call_id), col(CallEvent.kind), col(CallEvent.step),
                       col(CallEvent.fields)).where(col(CallEvent.call_id).in_(ids))
                .order_by(col(CallEvent.id))).all():
            events[call_id].append((kind, step, fields))
    told = {c.id: story.tell(events.get(c.id or -1, []), screening=c.screening) for c in calls}
    wanted = {f.appointment for facts in told.values() for f in facts
              if f.appointment is not None}
    # Every appointment a call booked, moved, cancelled or kept is named by its events.
    rows = list(db.execute(select(Appointment).where(
        col(Appointment.tenant_id) == tenant_id, col(Appointment.id).in_(wanted))).scalars()) \
        if wanted else []
    appointments = {a.id: a for a in rows if a.id is not None}
    agendas = {a.id: a for a in db.execute(select(Agenda).where(
        col(Agenda.tenant_id) == tenant_id)).scalars() if a.id is not None}
    left = list(db.execute(select(Message).where(col(Message.call_id).in_(ids))
                           .order_by(col(Message.id))).scalars()) if ids else []
    names = _Names(script=script, tz=tz, agendas=agendas,
                   by_slug={a.slug: a for a in agendas.values()}, appointments=appointments,
                   urgent={m.recording_sid for m in left if m.urgent})
    callers = contacts.names_of(db, tenant_id=tenant_id, numbers=[c.from_number for c in calls])
    retold = []
    for call in calls:
        facts = told.get(call.id, [])
        ended = call.status in TERMINAL_STATUSES
        if ended:
            outcome = outcomes.read(events.get(call.id or -1, []),
                                    screened=call.screening in story.SCREENED_OUT).outcome
        else:
            outcome = "in_progress"
        mine = {f.appointment for f in facts if f.appointment is not None}
        linked = [a for a in rows if a.id in mine]
        retold.append(Retold(
            call=call, outcome=outcome, facts=facts,
            summary=summary_line(facts, names, language, screening=call.screening,
                                 ended=ended),
            name=callers.get(call.from_number, ""),
            messages=[m for m in left if m.call_id == call.id],
            appointments=sorted(linked, key=lambda a: a.id or 0)))
    return retold
