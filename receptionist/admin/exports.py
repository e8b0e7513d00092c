"""CSV exports of a business's calls, messages and appointments (owners' spreadsheets),
in the business's time zone.

Cells are data: one that a spreadsheet would read as a formula (=, +, -, @ first: a
transcribed name such as "=HYPERLINK(…)") is written with a leading apostrophe; a phone
number (+ and digits) stays as it is."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from receptionist.admin.deps import CurrentUser, OwnedTenant, security_headers
from receptionist.appointments.models import Agenda, Appointment
from receptionist.calls.models import Call
from receptionist.messages.models import Message
from receptionist.tenants.models import Tenant
from receptionist.web_deps import SessionDep

router = APIRouter(prefix="/admin", include_in_schema=False)
_PHONE = re.compile(r"^\+\d{4,15}$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | bool | datetime | None


def cell(value: Cell, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    if text.startswith(_FORMULA) and not _PHONE.match(text):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], tz: ZoneInfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(value, tz) for value in row] for row in rows)
    return out.getvalue()


def _calls(db: Session, tenant: Tenant) -> tuple[list[str], list[Sequence[Cell]]]:
    rows = db.execute(select(Call).where(col(Call.tenant_id) == tenant.id)
                      .order_by(col(Call.started_at), col(Call.id))).scalars()
    return (["started", "ended", "caller", "status", "duration_s", "outcome", "first_request",
             "last_step", "call_sid"],
            [(c.started_at, c.ended_at, c.from_number, c.status, c.duration_s, c.outcome,
              c.first_intent, c.last_step, c.call_sid) for c in rows])


def _messages(db: Session, tenant: Tenant) -> tuple[list[str], list[Sequence[Cell]]]:
    rows = db.execute(select(Message).where(col(Message.tenant_id) == tenant.id)
                      .order_by(col(Message.created_at), col(Message.id))).scalars()
    return (["left", "caller", "seconds", "handled", "urgent", "transcript"],
            [(m.created_at, m.caller, m.duration_s, m.handled, m.urgent, m.transcript)
             for m in rows])


def _appointments(db: Session, tenant: Tenant) -> tuple[list[str], list[Sequence[Cell]]]:
    rows = db.execute(select(Appointment, col(Agenda.slug)).join(
        Agenda, col(Agenda.id) == Appointment.agenda_id).where(
        col(Appointment.tenant_id) == tenant.id).order_by(col(Appointment.starts_at),
                                                        col(Appointment.id))).all()
    return (["starts", "ends", "agenda", "type", "caller_name", "caller_number", "status",
             "booked_by", "booked_at"],
            [(a.starts_at, a.ends_at, slug, a.appointment_type, a.caller_name,
              a.caller_number, a.status, a.source, a.created_at) for a, slug in rows])


EXPORTS = {"calls": _calls, "messages": _messages, "appointments": _appointments}


@router.get("/t/{slug}/export/{what}.csv")
def export(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
           slug: str, what: Literal["calls", "messages", "appointments"]) -> Response:
    build = EXPORTS.get(what)
    if build is None:
        raise HTTPException(404, "no such export")
    header, rows = build(db, tenant)
    body = "\ufeff" + to_csv(header, rows, ZoneInfo(tenant.timezone))  # BOM: Excel reads UTF-8
    response = Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{tenant.slug}-{what}.csv"'})
    security_headers(response)
    return response
