"""The owner's agenda: a week of appointments per agenda, with cancel and move (the same
no-double-booking rule and the same SMS to the caller as by phone or API)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from receptionist.admin.confirm_pages import confirm_cancel
from receptionist.admin.deps import (
    CsrfChecked,
    CurrentUser,
    Notice,
    OwnedTenant,
    agenda_of,
    redirect_with_notice,
    render,
)
from receptionist.appointments import booking, lookups, week_grid
from receptionist.appointments.agendas import list_agendas
from receptionist.appointments.models import Agenda, Appointment
from receptionist.call_flows.publishing import active_script
from receptionist.catalog_text import CatalogText
from receptionist.clock import SaneDate, sane_datetime
from receptionist.db import WriteConflict
from receptionist.i18n import N_
from receptionist.tenants.models import Tenant
from receptionist.web_deps import RowId, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/t/{slug}/agenda")
def agenda_week(request: Request, db: SessionDep,
                signed: CurrentUser, tenant: OwnedTenant, slug: str,
                week: SaneDate | None = None,
                agenda: Annotated[str, Query(max_length=64)] = "main",
                notice: Notice = "") -> Response:
    user, data = signed
    assert tenant.id is not None
    found = agenda_of(db, tenant, agenda)
    tz = ZoneInfo(found.timezone)
    today = runtime_of(request).clock().astimezone(tz).date()
    monday = (week or today) - timedelta(days=(week or today).weekday())
    start = datetime.combine(monday, time(0), tz)
    assert found.id is not None
    rows = lookups.booked_between(db, agenda_id=found.id, start=start,
                                  end=start + timedelta(days=7))
    days = [(monday + timedelta(days=i),
             [a for a in rows if a.starts_at.astimezone(tz).date() == monday + timedelta(days=i)])
            for i in range(7)]
    return render(request, "agenda.html", data, user, tenant=tenant, section="agenda",
                 agenda=found, agendas=list_agendas(db, tenant_id=tenant.id),
                 days=days, tz=tz, monday=monday, previous=monday - timedelta(days=7),
                 following=monday + timedelta(days=7), notice=notice)


@router.get("/t/{slug}/agenda/week")
def practice_week(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
                  slug: str, week: SaneDate | None = None, day: SaneDate | None = None
                  ) -> Response:
    """Every agenda (practitioner) of the business side by side, one week (or one `day`
    of it)."""
    user, data = signed
    assert tenant.id is not None
    agendas = list_agendas(db, tenant_id=tenant.id)
    if not agendas:
        raise HTTPException(404, "no agenda")
    _, script = active_script(db, tenant=tenant)
    # The script's practitioners in its order; without any, every agenda.
    order = list(script.booking.practitioners)
    people = sorted((a for a in agendas if a.slug in order), key=lambda a: order.index(a.slug)
                    ) or agendas
    now = runtime_of(request).clock()
    tz = ZoneInfo(people[0].timezone)
    today = now.astimezone(tz).date()
    shown = day or week or today
    monday = shown - timedelta(days=shown.weekday())
    type_names = {tid: kind.name for tid, kind in script.booking.types.items()}
    return render(request, "agenda_week.html", data, user, tenant=tenant, section="agenda",
                  agendas=people, days=week_grid.week(db, people, monday, now), tz=tz,
                  monday=monday, previous=monday - timedelta(days=7),
                  following=monday + timedelta(days=7), type_names=type_names, only=day)


def agenda_time(agenda: Agenda, text: str) -> datetime:
    """"2026-11-18T10:00" (a form's local date and time) in the agenda's time zone;
    ValueError when it is not one."""
    return sane_datetime(datetime.fromisoformat(text)).replace(tzinfo=ZoneInfo(agenda.timezone))


def _appointment(db: Session, tenant: Tenant, appointment_id: int
                 ) -> tuple[Appointment, Agenda]:
    assert tenant.id is not None
    appointment = lookups.get_appointment(db, tenant_id=tenant.id,
                                          appointment_id=appointment_id)
    if appointment is None:
        raise HTTPException(404, "no such page")
    agenda = db.get(Agenda, appointment.agenda_id)
    assert agenda is not None
    return appointment, agenda


def _back(request: Request, slug: str, agenda: Agenda, when: datetime,
          notice: CatalogText) -> RedirectResponse:
    day = when.astimezone(ZoneInfo(agenda.timezone)).date().isoformat()
    return redirect_with_notice(request, f"/admin/t/{slug}/agenda", notice,
                                agenda=agenda.slug, week=day)


@router.post("/t/{slug}/appointments/{appointment_id}/cancel")
def cancel(request: Request, db: SessionDep,
           signed: CsrfChecked, tenant: OwnedTenant, slug: str,
           appointment_id: RowId, confirm: Annotated[str, Form(max_length=8)] = ""
           ) -> Response:
    appointment, agenda = _appointment(db, tenant, appointment_id)
    if confirm != "yes":  # asked first: a page, no JavaScript needed
        return confirm_cancel(request, signed, tenant, appointment, agenda)
    rt = runtime_of(request)
    with rt.database.write_transaction(db):
        booking.cancel(db, appointment=appointment, agenda=agenda, now=rt.clock(),
                       by=signed[0].email)
    return _back(request, slug, agenda, appointment.starts_at,
                 CatalogText(N_("admin.notice.cancelled")))


@router.post("/t/{slug}/appointments/{appointment_id}/move")
def move(request: Request, db: SessionDep,
         signed: CsrfChecked, tenant: OwnedTenant, slug: str, appointment_id: RowId,
         starts_at: Annotated[str, Form(max_length=20)]) -> Response:
    appointment, agenda = _appointment(db, tenant, appointment_id)
    rt = runtime_of(request)
    try:
        local = agenda_time(agenda, starts_at)
    except ValueError:
        return _back(request, slug, agenda, appointment.starts_at,
                     CatalogText(N_("refusal.not_a_date_time")))
    try:
        with rt.database.write_transaction(db):
            appointment = db.get(Appointment, appointment_id) or appointment
            booking.move(db, appointment=appointment, agenda=agenda, starts_at=local,
                         now=rt.clock(), by=signed[0].email)
    except booking.BookingError as exc:
        return _back(request, slug, agenda, local,
                     CatalogText(N_("refusal.not_moved"), reason=exc.text))
    except WriteConflict:  # lost a race at commit time (another process)
        return _back(request, slug, agenda, local, CatalogText(
            N_("refusal.not_moved"), reason=CatalogText(N_("refusal.booking.just_taken"))))
    return _back(request, slug, agenda, appointment.starts_at,
                 CatalogText(N_("admin.notice.moved")))
