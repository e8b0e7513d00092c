"""The owner's summary of one call, in the business's language: who called (and whether
they called before), when, how long, what they chose, what was booked or transferred,
and the messages they left with their transcripts. A call is flagged urgent when the
caller asked for urgent help at a menu or a message's transcript does (both judged by the
intent model: understanding.urgency, set by the worker with the transcript).

Built when the summary is sent, not when the call ends, so that the transcript of a
message (made in the background) can be included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from receptionist.appointments.models import Appointment, AppointmentStatus
from receptionist.appointments.spoken import spoken_slot
from receptionist.calls.event_text import describe
from receptionist.calls.events import EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.contacts import service as contacts
from receptionist.i18n import N_, format_when, gettext, locale
from receptionist.messages.models import Message, TranscriptStatus
from receptionist.notifications import email_html
from receptionist.tenants.models import Tenant

# "the 3rd call this month", by the language's CLDR ordinal category.
ORDINALS = {
    "zero": N_("summary.ordinal.zero"),
    "one": N_("summary.ordinal.one"),
    "two": N_("summary.ordinal.two"),
    "few": N_("summary.ordinal.few"),
    "many": N_("summary.ordinal.many"),
    "other": N_("summary.ordinal.other"),
}


def ordinal(n: int, language: str) -> str:
    """1st, 2nd, 3rd, 11th… / 1er, 2e…"""
    return gettext(language, ORDINALS[locale(language).ordinal_form(n)], n=n)


@dataclass
class CallSummary:
    call_sid: str
    business: str
    language: str
    caller: str
    known_caller: bool
    started: datetime  # local to the business
    duration_s: int
    status: str
    intents: list[str] = field(default_factory=list)
    booked: list[str] = field(default_factory=list)  # spoken slots
    transfers: list[str] = field(default_factory=list)
    messages: list[tuple[int, str | None]] = field(default_factory=list)  # (s, transcript)
    links: list[str] = field(default_factory=list)  # each message's page in the admin UI
    urgent: bool = False
    calls_this_month: int = 1  # this one included

    def subject(self) -> str:
        subject = gettext(self.language, "summary.subject", caller=self.caller)
        if not self.urgent:
            return subject
        urgent = gettext(self.language, "summary.urgent")
        return f"[{urgent}] {subject}"

    def lines(self) -> list[str]:
        minutes, seconds = divmod(self.duration_s, 60)
        duration = (gettext(self.language, "summary.minutes_seconds", minutes=minutes,
                            seconds=f"{seconds:02d}") if minutes
                    else gettext(self.language, "summary.seconds", seconds=seconds))
        if self.known_caller:
            standing = gettext(self.language, "summary.returning",
                               nth=ordinal(self.calls_this_month, self.language))
        else:
            standing = gettext(self.language, "summary.new")
        lines = [gettext(self.language, "summary.headline", business=self.business,
                         subject=self.subject(), standing=standing),
                 gettext(self.language, "summary.when",
                         when=format_when(self.language, self.started),
                         duration=duration)]
        if self.intents:
            lines.append(gettext(self.language, "summary.chose",
                                 intents=", ".join(self.intents)))
        lines += [gettext(self.language, "summary.booked", slot=slot) for slot in self.booked]
        lines += [gettext(self.language, "summary.transfer", result=r) for r in self.transfers]
        for index, (seconds_long, transcript) in enumerate(self.messages):
            lines.append(gettext(self.language, "summary.message", seconds=seconds_long,
                                 text=transcript
                                 or gettext(self.language, "summary.no_transcript")))
            if index < len(self.links):
                lines.append(gettext(self.language, "summary.listen", url=self.links[index]))
        if not self.messages:
            lines.append(gettext(self.language, "summary.no_message"))
        if self.status != "completed":
            lines.append(gettext(self.language, "summary.status", status=self.status))
        return lines

    def text(self) -> str:
        return "\n".join(self.lines()) + "\n"

    def html(self) -> str:
        return email_html.summary(self.lines())

    def sms(self) -> str:
        return " / ".join(self.lines())[:600]

    def as_json(self) -> dict[str, object]:
        return {"event": "call_summary", "call_sid": self.call_sid, "business": self.business,
                "language": self.language, "caller": self.caller,
                "known_caller": self.known_caller,
                "calls_this_month": self.calls_this_month, "started_at": self.started.isoformat(),
                "duration_s": self.duration_s, "status": self.status, "intents": self.intents,
                "booked": self.booked, "transfers": self.transfers, "urgent": self.urgent,
                "messages": [{"seconds": s, "transcript": t,
                              "url": self.links[i] if i < len(self.links) else None}
                             for i, (s, t) in enumerate(self.messages)],
                "text": self.text()}


def build(session: Session, call_id: int, *, public_base: str = "") -> CallSummary | None:
    """`public_base`: PUBLIC_BASE_URL, for links to the messages in the admin UI."""
    call = session.get(Call, call_id)
    if call is None or call.tenant_id is None:
        return None
    tenant = session.get(Tenant, call.tenant_id)
    assert tenant is not None
    tz = ZoneInfo(tenant.timezone)
    assert tenant.id is not None
    earlier = contacts.earlier_calls(session, tenant_id=tenant.id, number=call.from_number,
                                     before_id=call.id)
    month = call.started_at.astimezone(tz).replace(day=1, hour=0, minute=0, second=0,
                                                   microsecond=0)
    this_month = contacts.earlier_calls(session, tenant_id=tenant.id,
                                        number=call.from_number, before_id=call.id,
                                        since=month) + 1
    events = session.execute(select(CallEvent).where(col(CallEvent.call_id) == call_id)
                             .order_by(col(CallEvent.id))).scalars().all()
    intents = [e.fields.intent for e in events if e.kind == EventKind.choice
               if e.fields.intent]
    transfers = [describe(e.kind, e.fields) or e.kind for e in events
                 if e.kind in (EventKind.transfer_completed, EventKind.transfer_failed)]
    booked = [spoken_slot(a.starts_at.astimezone(tz), tenant.language)
              for a in session.execute(select(Appointment).where(
                  col(Appointment.call_sid) == call.call_sid,
                  col(Appointment.status) == AppointmentStatus.booked)).scalars()]
    rows = list(session.execute(select(Message).where(col(Message.call_id) == call_id)
                                .order_by(col(Message.id))).scalars())
    messages = [(m.duration_s, m.transcript) for m in rows]
    # The recording plays on the message's own page (behind the owner's login).
    links = [f"{public_base}/admin/t/{tenant.slug}/messages/{m.id}"
             for m in rows] if public_base else []
    # The owner's name for the number, else one the caller gave when booking (Twilio's
    # CallerName is a paid lookup).
    name = contacts.name_of(session, tenant_id=tenant.id, number=call.from_number)
    caller = (gettext(tenant.language, "summary.hidden_number")
              if contacts.is_anonymous(call.from_number) else call.from_number)
    return CallSummary(
        call_sid=call.call_sid, business=tenant.name, language=tenant.language,
        caller=f"{name} ({caller})" if name else caller,
        known_caller=earlier > 0 or bool(name), calls_this_month=this_month,
        started=call.started_at.astimezone(tz), duration_s=call.duration_s or 0,
        status=call.status, intents=intents, booked=booked, transfers=transfers,
        messages=messages, links=links,
        urgent="urgent" in intents or any(m.urgent for m in rows))


def transcripts_pending(session: Session, call_id: int) -> bool:
    """Whether a message of the call still waits for its transcript."""
    pending = session.execute(select(func.count()).select_from(Message).where(
        col(Message.call_id) == call_id,
        col(Message.transcript_status) == TranscriptStatus.pending)).scalar_one()
    return bool(pending)
