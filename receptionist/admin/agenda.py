"""The owner's agenda: a week calendar (seven days on one time axis, the agendas side by
side in each day, or one chosen; or one day), whose free cells are the times booking
accepts for the type chosen (`appointments.week_grid`); and cancel and move (the same
no-double-booking rule and the same SMS to the caller as by phone or API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from receptionist.admin import calendar_cells
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
from receptionist.call_flows.booking import choice as booking_choice
from receptionist.call_flows.publishing import active_script
from receptionist.call_flows.schema import BookStep, Script
from receptionist.catalog_text import CatalogText
from receptionist.clock import SaneDate, sane_datetime
from receptionist.db import WriteConflict
from receptionist.i18n import N_, format_moment, gettext
from receptionist.tenants.models import Tenant
from receptionist.web_deps import RowId, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
Slug = Annotated[str, Query(max_length=64)]


def agendas_in_order(db: Session, tenant: Tenant, script: Script) -> list[Agenda]:
    """The business's agendas: the script's practitioners in its order, then the others."""
    assert tenant.id is not None
    order = list(script.booking.practitioners)
    return sorted(list_agendas(db, tenant_id=tenant.id),
                  key=lambda a: (order.index(a.slug) if a.slug in order else len(order),
                                 a.slug))


def offers(script: Script, agenda: Agenda, type_id: str) -> bool:
    """Whether `agenda` takes appointments of the type (any type without practitioners;
    with them, the practitioners the type names)."""
    if not script.booking.practitioners:
        return True
    return agenda.slug in booking_choice.offering(script, type_id)


def types_of(script: Script, agenda: Agenda) -> list[tuple[str, str]]:
    """(type id, name) of the types this agenda's practitioner offers."""
    return [(tid, t.name) for tid, t in script.booking.types.items()
            if offers(script, agenda, tid)]


def _default_agendas(script: Script, agendas: list[Agenda], booked: set[int]) -> list[Agenda]:
    """Whom the calendar shows without a choice: the practitioners (else the agendas the
    script's booking steps use), and every agenda with an appointment in the days shown,
    so that none is left out when the script no longer names its agenda."""
    named = set(script.booking.practitioners) or {
        step.agenda for step in script.steps.values() if isinstance(step, BookStep)} or {
        "main"}
    return [a for a in agendas if a.slug in named or a.id in booked]


@dataclass(frozen=True)
class Labels:
    """The words of the days shown, made once per page (not once per cell)."""

    short: list[str]  # « lun. 7 déc. »
    long: list[str]  # « lundi 7 décembre »


@router.get("/t/{slug}/agenda")
def calendar(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
             slug: str, week: SaneDate | None = None, day: SaneDate | None = None,
             agenda: Slug = "", type_id: Annotated[str, Query(alias="type", max_length=64)] = "",
             notice: Notice = "") -> Response:
    """The week of `week` (or the single `day`), of every agenda or of `agenda`, with the
    free times of an appointment type (`type`; none: each agenda's plain slot)."""
    user, data = signed
    assert tenant.id is not None
    _, script = active_script(db, tenant=tenant)
    now = runtime_of(request).clock()
    tz = ZoneInfo(tenant.timezone)
    today = now.astimezone(tz).date()
    shown = day or week or today
    monday = shown - timedelta(days=shown.weekday())
    days = [day] if day is not None else [monday + timedelta(days=i) for i in range(7)]
    everyone = agendas_in_order(db, tenant, script)
    if agenda:
        chosen = [agenda_of(db, tenant, agenda)]
    else:
        start = datetime.combine(days[0], time(0), tz)
        booked = week_grid.booked_agendas(db, tenant_id=tenant.id, start=start,
                                          end=start + timedelta(days=len(days)))
        chosen = _default_agendas(script, everyone, booked)
    kind = booking_choice.kind(script, type_id) if type_id else None
    if kind is None:
        type_id = ""
    columns = [week_grid.Column(a, kind, kind is None or offers(script, a, type_id))
               for a in chosen]
    grid = week_grid.build(db, columns, days, now, tz) if columns else None
    keep = {name: value for name, value in (("agenda", agenda), ("type", type_id)) if value}
    step = timedelta(days=1 if day is not None else 7)
    around = {"previous": days[0] - step, "following": days[0] + step}
    links = {name: "?" + urlencode({**keep, ("day" if day else "week"): value.isoformat()})
             for name, value in around.items()}
    links["today"] = "?" + urlencode({**keep, **({"day": today.isoformat()} if day else {})})
    links["week"] = "?" + urlencode({**keep, "week": monday.isoformat()})
    links["new"] = f"/admin/t/{tenant.slug}/agenda/book" + (
        "?" + urlencode(keep) if keep else "")
    type_name = booking_choice.type_name(script, type_id)
    labels = Labels([format_moment(user.language, d, "EEE d MMM") for d in days],
                    [format_moment(user.language, d, "EEEE d MMMM") for d in days])
    words = calendar_cells.CellWords(user.language, type_name or gettext(
        user.language, "admin.calendar.plain_slot"))
    rows = calendar_cells.rows(
        grid, words, slug=tenant.slug, type_id=type_id, days=labels.long,
        type_names={tid: t.name for tid, t in script.booking.types.items()}
    ) if grid is not None else []
    return render(request, "agenda.html", data, user, tenant=tenant, section="agenda",
                  grid=grid, days=days, labels=labels, monday=monday, only=day,
                  today=today, everyone=everyone, agenda=agenda, type_id=type_id,
                  types=list(script.booking.types.items()), links=links, keep=keep,
                  type_name=type_name, rows=rows, notice=notice)


@router.get("/t/{slug}/agenda/week")
def practice_week(request: Request, slug: str, tenant: OwnedTenant) -> RedirectResponse:
    """The former page of every practitioner's week: now the calendar itself."""
    query = request.url.query
    return RedirectResponse(f"/admin/t/{tenant.slug}/agenda" + (f"?{query}" if query else ""),
                            status_code=303)


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
