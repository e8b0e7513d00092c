"""Agendas: their settings (checked before they are kept), created, found, and the
calendar or feed linked to them (a new link is read in full, and every current appointment
pushed to it). No HTTP here; the caller commits."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, delete, select, update
from sqlmodel import Session, col

from receptionist.appointments.availability import parse_closures, parse_hours
from receptionist.appointments.models import (
    UNIT_MINUTES,
    Agenda,
    Appointment,
    ExternalBusy,
    SyncState,
)
from receptionist.catalog_text import Refused
from receptionist.i18n import N_
from receptionist.orm_rows import RowReader
from receptionist.tenants.models import Tenant

MAX_REMINDER_HOURS = 168


def validate_agenda(agenda: Agenda) -> None:
    """Raise ValueError with the reason when the agenda's settings cannot work."""
    ZoneInfo(agenda.timezone)
    parse_hours(agenda.weekly_hours)
    parse_closures(agenda.closures)
    for name in ("slot_minutes", "buffer_minutes"):
        value = getattr(agenda, name)
        if value < 0 or value % UNIT_MINUTES:
            raise Refused(N_("refusal.agenda.multiple"), name=name, unit=UNIT_MINUTES)
    if not 0 < agenda.slot_minutes <= 24 * 60:
        raise Refused(N_("refusal.agenda.slot_minutes"))
    if agenda.horizon_days <= 0 or agenda.min_notice_minutes < 0:
        raise Refused(N_("refusal.agenda.horizon_notice"))
    if not 0 <= agenda.reminder_hours <= MAX_REMINDER_HOURS:
        raise Refused(N_("refusal.agenda.reminder_hours"), most=MAX_REMINDER_HOURS)


def update_rules(session: Session, *, agenda: Agenda, weekly_hours: dict[str, list[str]],
                 closures: Sequence[dict[str, str]], slot_minutes: int, buffer_minutes: int,
                 min_notice_minutes: int, horizon_days: int, reminder_hours: int) -> None:
    """Change an agenda's booking rules, all or nothing: a ValueError (with the reason)
    leaves the agenda as it was."""
    changes: dict[str, Any] = {
        "weekly_hours": json.dumps(weekly_hours), "closures": json.dumps(list(closures)),
        "slot_minutes": slot_minutes, "buffer_minutes": buffer_minutes,
        "min_notice_minutes": min_notice_minutes, "horizon_days": horizon_days,
        "reminder_hours": reminder_hours}
    before = {name: getattr(agenda, name) for name in changes}
    for name, value in changes.items():
        setattr(agenda, name, value)
    try:
        validate_agenda(agenda)
    except ValueError:
        for name, value in before.items():
            setattr(agenda, name, value)
        raise
    session.add(agenda)


def create_agenda(session: Session, *, tenant: Tenant, slug: str, name: str,
                  weekly_hours: dict[str, list[str]], timezone: str | None = None,
                  slot_minutes: int = 30, buffer_minutes: int = 0,
                  min_notice_minutes: int = 60, horizon_days: int = 60,
                  reminder_hours: int = 24,
                  closures: Sequence[dict[str, str]] = ()) -> Agenda:
    assert tenant.id is not None
    agenda = Agenda(tenant_id=tenant.id, slug=slug, name=name,
                    timezone=timezone or tenant.timezone, weekly_hours=json.dumps(weekly_hours),
                    closures=json.dumps(list(closures)), slot_minutes=slot_minutes,
                    buffer_minutes=buffer_minutes, min_notice_minutes=min_notice_minutes,
                    horizon_days=horizon_days, reminder_hours=reminder_hours,
                    feed_token=secrets.token_urlsafe(32))
    validate_agenda(agenda)
    session.add(agenda)
    session.flush()
    return agenda


def get_agenda(session: Session, *, tenant_id: int, slug: str) -> Agenda | None:
    return _AGENDA.first(session, {"tenant_id": tenant_id, "slug": slug})


# Every API availability and booking reads its agenda first: read on the driver
# (`orm_rows.RowReader`), the same object the ORM's query would give.
_AGENDA = RowReader(Agenda, and_(col(Agenda.tenant_id) == bindparam("tenant_id"),
                                 col(Agenda.slug) == bindparam("slug")))


def list_agendas(session: Session, *, tenant_id: int) -> list[Agenda]:
    return list(session.execute(select(Agenda).where(col(Agenda.tenant_id) == tenant_id)
                                .order_by(col(Agenda.slug))).scalars())


def agenda_by_feed_token(session: Session, token: str) -> Agenda | None:
    return session.execute(select(Agenda).where(col(Agenda.feed_token) == token)).scalar()


def calendar_linked(session: Session, *, agenda: Agenda, now: datetime) -> None:
    """A calendar was linked (or its link changed): read it in full at the next check,
    and push every current appointment to it."""
    agenda.caldav_error, agenda.caldav_checked_at = "", None
    agenda.caldav_sync_mark, agenda.caldav_read_at = "", None
    session.add(agenda)
    resync_all(session, agenda=agenda, now=now)


def resync_all(session: Session, *, agenda: Agenda, now: datetime) -> None:
    """After linking a calendar: push every current appointment to it."""
    session.execute(update(Appointment).where(
        col(Appointment.agenda_id) == agenda.id, col(Appointment.ends_at) > now)
        .values(sync_state=SyncState.pending, sync_attempts=0, sync_next_at=now,
                sync_error=""))


def forget_external(session: Session, *, agenda: Agenda) -> None:
    session.execute(delete(ExternalBusy).where(col(ExternalBusy.agenda_id) == agenda.id))
    session.execute(update(Appointment).where(col(Appointment.agenda_id) == agenda.id)
                    .values(sync_state=SyncState.none, sync_next_at=None))
