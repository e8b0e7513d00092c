"""Retention and erasure: deleting what a business no longer may or wants to keep.

Retention (`Tenant.retention_days`, none = keep): messages (recording and transcript) and
calls (with their timelines) older than N days are deleted; past appointments older than
N days keep their time but lose the caller's name, number and recorded name.

Erasure of one caller (by phone number, for one business): their messages and recordings,
calls and timelines, and notifications addressed to them are deleted; their upcoming
appointments are cancelled (the slot is freed, no SMS is sent) and every appointment of
theirs is anonymised. Files are removed after the rows are committed, so a crash leaves at
worst an orphan file, never a row pointing at nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from receptionist.appointments import booking
from receptionist.appointments.models import (
    Agenda,
    Appointment,
    AppointmentStatus,
    NameStatus,
)
from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.catalog_text import Refused
from receptionist.config import Settings
from receptionist.i18n import N_
from receptionist.messages.models import Message
from receptionist.messages.recordings import stream_recording_path
from receptionist.outbox.models import OutboxItem
from receptionist.privacy.models import ErasureRequest
from receptionist.tenants.models import Tenant

log = logging.getLogger(__name__)
ERASED_NAME = ""


@dataclass
class Erased:
    """What one retention pass or erasure removed (counts), and the files to delete."""

    messages: int = 0
    calls: int = 0
    appointments_cancelled: int = 0
    appointments_anonymised: int = 0
    notifications: int = 0
    files: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{self.messages} message(s), {self.calls} call(s), "
                f"{self.appointments_cancelled} appointment(s) cancelled, "
                f"{self.appointments_anonymised} anonymised, "
                f"{self.notifications} notification(s)")

    def remove_files(self) -> None:
        for path in self.files:
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:  # logged; the row is gone, the file can be retried by hand
                log.error("could not delete %s: %s", path, exc)


def _delete_messages(session: Session, settings: Settings, messages: Sequence[Message],
                     erased: Erased) -> None:
    for message in messages:
        if message.audio_path:
            erased.files.append(Path(message.audio_path))
        # Where a fetch in flight would write it.
        erased.files.append(settings.recordings_dir / str(message.tenant_id)
                            / f"{message.recording_sid}.wav")
        session.delete(message)
    erased.messages += len(messages)


def _delete_calls(session: Session, settings: Settings, calls: Sequence[Call],
                  erased: Erased) -> None:
    ids = [call.id for call in calls if call.id is not None]
    if not ids:
        return
    # Messages left in these calls are the caller's data too.
    _delete_messages(session, settings, session.exec(
        select(Message).where(col(Message.call_id).in_(ids))).all(), erased)
    session.flush()
    session.execute(delete(CallEvent).where(col(CallEvent.call_id).in_(ids)))
    session.execute(delete(OutboxItem).where(col(OutboxItem.call_id).in_(ids)))
    session.execute(delete(WebhookReply).where(
        col(WebhookReply.call_sid).in_([call.call_sid for call in calls])))
    session.execute(delete(Call).where(col(Call.id).in_(ids)))
    erased.calls += len(ids)


def _anonymise(session: Session, settings: Settings, condition: object,
               erased: Erased) -> None:
    # The spoken name's audio, if the worker stored it (appointments.spoken_names), goes
    # too, and the recording itself when this server made it (the stream transport).
    for appointment_id, tenant_id, url in session.execute(
            select(Appointment.id, Appointment.tenant_id, Appointment.name_recording_url)
            .where(condition)):  # type: ignore[arg-type]
        erased.files.append(settings.recordings_dir / str(tenant_id)
                            / f"name-{appointment_id}.wav")
        made_here = stream_recording_path(settings, url or "")
        if made_here is not None:
            erased.files.append(made_here)
    result = session.execute(update(Appointment).where(condition)  # type: ignore[arg-type]
                             .values(caller_number="", caller_name=ERASED_NAME,
                                     name_recording_url=None, name_status=NameStatus.none,
                                     name_next_at=None))
    erased.appointments_anonymised += result.rowcount  # type: ignore[attr-defined]


MAX_RETENTION_DAYS = 3650


def set_retention(session: Session, tenant: Tenant, days: int | None) -> None:
    """How long the business keeps messages and calls: 1 to 3650 days, or None (until
    deleted). The one rule for the admin UI and the CLI; ValueError otherwise."""
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise Refused(N_("refusal.retention.days"), most=MAX_RETENTION_DAYS)
    tenant.retention_days = days
    session.add(tenant)


def apply_retention(session: Session, settings: Settings, tenant: Tenant, *,
                    now: datetime) -> Erased:
    """Delete what is older than the tenant's retention period (nothing if it has none)."""
    erased = Erased()
    if not tenant.retention_days or tenant.id is None:
        return erased
    cutoff = now - timedelta(days=tenant.retention_days)
    old_messages = session.exec(select(Message).where(
        Message.tenant_id == tenant.id, col(Message.created_at) < cutoff)).all()
    _delete_messages(session, settings, old_messages, erased)
    session.flush()
    old_calls = session.exec(select(Call).where(
        Call.tenant_id == tenant.id, col(Call.started_at) < cutoff,
        col(Call.ended_at).is_not(None))).all()
    _delete_calls(session, settings, old_calls, erased)
    _anonymise(session, settings, (col(Appointment.tenant_id) == tenant.id)
               & (col(Appointment.ends_at) < cutoff)
               & or_(col(Appointment.caller_number) != "",
                     col(Appointment.caller_name) != ERASED_NAME), erased)
    return erased


def erase_caller(session: Session, settings: Settings, *, tenant_id: int, phone: str,
                 now: datetime) -> Erased:
    """Erase everything the business holds about the caller at `phone`."""
    erased = Erased()
    messages = session.exec(select(Message).where(
        Message.tenant_id == tenant_id, Message.caller == phone)).all()
    _delete_messages(session, settings, messages, erased)
    session.flush()
    calls = session.exec(select(Call).where(Call.tenant_id == tenant_id,
                                            Call.from_number == phone)).all()
    _delete_calls(session, settings, calls, erased)
    upcoming = session.exec(select(Appointment).where(
        Appointment.tenant_id == tenant_id, Appointment.caller_number == phone,
        Appointment.status == AppointmentStatus.booked, col(Appointment.ends_at) > now)).all()
    for appointment in upcoming:
        agenda = session.get(Agenda, appointment.agenda_id)
        assert agenda is not None
        booking.cancel(session, appointment=appointment, agenda=agenda, now=now,
                       by="erasure")
        erased.appointments_cancelled += 1
    session.flush()
    # Every notification to them, including the cancellation SMS just queued.
    gone = session.execute(delete(OutboxItem).where(
        col(OutboxItem.tenant_id) == tenant_id, col(OutboxItem.recipient) == phone))
    erased.notifications += gone.rowcount  # type: ignore[attr-defined]
    _anonymise(session, settings, (col(Appointment.tenant_id) == tenant_id)
               & (col(Appointment.caller_number) == phone), erased)
    return erased


class PhoneError(Refused):
    """Not a phone number we can match against caller IDs."""


def normalize_phone(text: str) -> str:
    """'+33 1 80 00 00 00' -> '+33180000000' (E.164, as Twilio sends caller IDs)."""
    compact = re.sub(r"[\s().\-]", "", text)
    if not re.fullmatch(r"\+[1-9]\d{5,14}", compact):
        raise PhoneError(N_("refusal.erasure.phone"), number=repr(text))
    return compact


def request_erasure(session: Session, *, tenant_id: int, phone: str, requested_by: str,
                    now: datetime) -> ErasureRequest:
    request = ErasureRequest(tenant_id=tenant_id, phone=phone, requested_by=requested_by,
                             requested_at=now)
    session.add(request)
    session.flush()
    return request


def masked(phone: str) -> str:
    """What the request keeps of the number once erased: enough to recognise it."""
    return "•" * max(0, len(phone) - 2) + phone[-2:]


def pending_erasures(session: Session) -> list[int]:
    """The erasure requests not carried out yet, oldest first (their ids)."""
    return [request_id for request_id in session.exec(
        select(ErasureRequest.id).where(col(ErasureRequest.done_at).is_(None))
        .order_by(col(ErasureRequest.id))).all() if request_id is not None]


def carry_out_erasure(session: Session, settings: Settings, *, request_id: int,
                      now: datetime) -> tuple[ErasureRequest, Erased] | None:
    """Carry out one erasure request in the caller's transaction; None if it is gone or
    was carried out meanwhile. The files are the caller's to remove once committed."""
    request = session.get(ErasureRequest, request_id)
    if request is None or request.done_at is not None:
        return None
    erased = erase_caller(session, settings, tenant_id=request.tenant_id,
                          phone=request.phone, now=now)
    request.phone = masked(request.phone)
    request.done_at = now
    request.result = erased.describe()
    session.add(request)
    return request, erased


def tenants_with_retention(session: Session) -> list[int]:
    """The businesses that keep callers' data for a limited time (their ids)."""
    return [tenant_id for tenant_id in session.exec(
        select(Tenant.id).where(col(Tenant.retention_days).is_not(None))
        .order_by(col(Tenant.id))).all() if tenant_id is not None]


def recent_erasures(session: Session, *, tenant_id: int, limit: int = 20
                    ) -> list[ErasureRequest]:
    return list(session.exec(select(ErasureRequest).where(
        ErasureRequest.tenant_id == tenant_id).order_by(
        col(ErasureRequest.id).desc()).limit(limit)).all())
