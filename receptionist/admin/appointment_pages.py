"""An owner books a free time for someone who phoned their mobile (name, number, note,
appointment type), under the same no-double-booking rule and with the same SMS as a
phone booking; and one appointment's page: who (the name they said, transcribed), their
number, what and with whom, how it was booked, every change since."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from receptionist.admin.agenda import agenda_time
from receptionist.admin.deps import (
    CsrfChecked,
    CurrentUser,
    Notice,
    OwnedTenant,
    Shown,
    agenda_of,
    redirect_with_notice,
    render,
)
from receptionist.appointments import booking, lookups
from receptionist.appointments.models import Agenda
from receptionist.call_flows.booking import choice as booking_choice
from receptionist.call_flows.publishing import active_script
from receptionist.call_flows.schema import Script
from receptionist.catalog_text import CatalogText, said
from receptionist.contacts import service as contacts
from receptionist.db import WriteConflict
from receptionist.i18n import N_
from receptionist.tenants.models import Tenant
from receptionist.users.models import User
from receptionist.web_deps import RowId, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
LocalTime = Annotated[str, Query(max_length=20, pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d$")]


def _local(agenda: Agenda, at: str) -> datetime:
    try:
        return agenda_time(agenda, at)
    except ValueError:
        raise HTTPException(422, "not a date and time") from None


def _types(script: Script, agenda: Agenda) -> list[tuple[str, str]]:
    """(type id, name) of the types this agenda's practitioner offers."""
    if not script.booking.practitioners:
        return [(tid, t.name) for tid, t in script.booking.types.items()]
    return [(tid, t.name) for tid, t in script.booking.types.items()
            if agenda.slug in booking_choice.offering(script, tid)]


def _form(request: Request, db: Session, user: User, data: object, tenant: Tenant,
          agenda: Agenda, at: str, *, error: Shown = "", values: dict[str, str] | None = None
          ) -> Response:
    _, script = active_script(db, tenant=tenant)
    return render(request, "appointment_new.html", data, user, tenant=tenant,  # type: ignore[arg-type]
                  section="agenda", agenda=agenda, at=at, when=_local(agenda, at),
                  types=_types(script, agenda), error=error, values=values or {})


@router.get("/t/{slug}/agenda/book")
def booking_form(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
                 slug: str, agenda: Annotated[str, Query(max_length=64)], at: LocalTime
                 ) -> Response:
    user, data = signed
    return _form(request, db, user, data, tenant, agenda_of(db, tenant, agenda), at)


@router.post("/t/{slug}/agenda/book")
def book(request: Request, db: SessionDep, signed: CsrfChecked, tenant: OwnedTenant,
         slug: str, agenda: Annotated[str, Query(max_length=64)], at: LocalTime,
         name: Annotated[str, Form(min_length=1, max_length=200)],
         number: Annotated[str, Form(max_length=32)] = "",
         note: Annotated[str, Form(max_length=500)] = "",
         type_id: Annotated[str, Form(alias="type", max_length=64)] = "") -> Response:
    user, data = signed
    found = agenda_of(db, tenant, agenda)
    values = {"name": name, "number": number, "note": note, "type": type_id}
    try:
        number = contacts.checked_number(number) if number.strip() else ""
    except contacts.ContactError as exc:
        response = _form(request, db, user, data, tenant, found, at, values=values,
                         error=said(exc))
        response.status_code = 422
        return response
    _, script = active_script(db, tenant=tenant)
    kind = booking_choice.kind(script, type_id) if type_id else None
    if type_id and (kind is None or type_id not in dict(_types(script, found))):
        raise HTTPException(422, "unknown appointment type")
    rt = runtime_of(request)
    try:
        with rt.database.write_transaction(db):
            fresh = agenda_of(db, tenant, agenda)
            booked = booking.book(
                db, agenda=fresh, starts_at=_local(fresh, at), now=rt.clock(),
                caller_number=number, caller_name=name.strip(), language=tenant.language,
                source="admin", kind=kind, note=note.strip())
    except booking.BookingError as exc:
        response = _form(request, db, user, data, tenant, found, at, values=values,
                         error=CatalogText(N_("refusal.not_booked"), reason=exc.text))
        response.status_code = 409 if isinstance(exc, booking.SlotTaken) else 422
        return response
    except WriteConflict:
        response = _form(request, db, user, data, tenant, found, at, values=values,
                         error=CatalogText(N_("refusal.not_booked"), reason=CatalogText(
                             N_("refusal.booking.just_taken"))))
        response.status_code = 409
        return response
    return redirect_with_notice(request, f"/admin/t/{slug}/appointments/{booked.id}",
                                CatalogText(N_("admin.notice.booked")))


@router.get("/t/{slug}/appointments/{appointment_id}")
def appointment_page(request: Request, db: SessionDep, signed: CurrentUser,
                     tenant: OwnedTenant, slug: str, appointment_id: RowId,
                     notice: Notice = "") -> Response:
    user, data = signed
    assert tenant.id is not None
    appointment = lookups.get_appointment(db, tenant_id=tenant.id,
                                          appointment_id=appointment_id)
    if appointment is None:
        raise HTTPException(404, "no such page")
    agenda = db.get(Agenda, appointment.agenda_id)
    assert agenda is not None
    _, script = active_script(db, tenant=tenant)
    return render(request, "appointment.html", data, user, tenant=tenant, section="agenda",
                  appointment=appointment, agenda=agenda, tz=ZoneInfo(agenda.timezone),
                  type_name=booking_choice.type_name(script, appointment.appointment_type),
                  changes=booking.changes_of(appointment), notice=notice)
