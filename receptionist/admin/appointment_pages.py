"""An owner books a free time for someone who phoned their mobile (name, number, note,
appointment type), under the same no-double-booking rule and with the same SMS as a
phone booking; and one appointment's page: who (the name they said, transcribed), their
number, what and with whom, how it was booked, every change since."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from receptionist.admin.agenda import agenda_time, agendas_in_order, offers, types_of
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
from receptionist.appointments import agendas, booking, lookups
from receptionist.appointments.models import Agenda
from receptionist.call_flows.booking import choice as booking_choice
from receptionist.call_flows.publishing import active_script
from receptionist.catalog_text import CatalogText, said
from receptionist.contacts import service as contacts
from receptionist.db import WriteConflict
from receptionist.i18n import N_
from receptionist.tenants.models import Tenant
from receptionist.users.models import User
from receptionist.web_deps import RowId, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")  # what a datetime-local input sends


def _form(request: Request, db: Session, user: User, data: object, tenant: Tenant,
          values: dict[str, str], *, error: Shown = "") -> Response:
    """The booking form, filled with `values` (agenda, at, type, name, number, note)."""
    _, script = active_script(db, tenant=tenant)
    everyone = agendas_in_order(db, tenant, script)
    chosen = next((a for a in everyone if a.slug == values.get("agenda")), None)
    when = None
    if chosen is not None and LOCAL_TIME.fullmatch(values.get("at", "")):
        try:
            when = agenda_time(chosen, values["at"])
        except ValueError:
            when = None
    return render(request, "appointment_new.html", data, user, tenant=tenant,  # type: ignore[arg-type]
                  section="agenda", agendas=everyone, chosen=chosen, when=when,
                  types=[(tid, t.name) for tid, t in script.booking.types.items()],
                  offered={a.slug: [tid for tid, _ in types_of(script, a)] for a in everyone},
                  error=error, values=values)


@router.get("/t/{slug}/agenda/book")
def booking_form(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
                 slug: str, agenda: Annotated[str, Query(max_length=64)] = "",
                 at: Annotated[str, Query(max_length=20)] = "",
                 type_id: Annotated[str, Query(alias="type", max_length=64)] = "") -> Response:
    """The form, prefilled from a free cell of the calendar (agenda, day and time, type)
    or empty ("New appointment")."""
    user, data = signed
    return _form(request, db, user, data, tenant,
                 {"agenda": agenda, "at": at if LOCAL_TIME.fullmatch(at) else "",
                  "type": type_id})


@router.post("/t/{slug}/agenda/book")
def book(request: Request, db: SessionDep, signed: CsrfChecked, tenant: OwnedTenant,
         slug: str, name: Annotated[str, Form(max_length=200)] = "",
         agenda: Annotated[str, Form(max_length=64)] = "",
         at: Annotated[str, Form(max_length=20)] = "",
         number: Annotated[str, Form(max_length=32)] = "",
         note: Annotated[str, Form(max_length=500)] = "",
         type_id: Annotated[str, Form(alias="type", max_length=64)] = "") -> Response:
    """Book through `booking.book`, the service the phone and the API book through; a
    refusal keeps what was typed and says why."""
    user, data = signed
    values = {"agenda": agenda, "at": at, "type": type_id, "name": name, "number": number,
              "note": note}

    def refused(error: Shown, status: int = 422) -> Response:
        response = _form(request, db, user, data, tenant, values, error=error)
        response.status_code = status
        return response

    assert tenant.id is not None
    found = agendas.get_agenda(db, tenant_id=tenant.id, slug=agenda) if agenda else None
    if found is None:
        return refused(CatalogText(N_("refusal.booking_form.no_agenda")))
    if not name.strip():
        return refused(CatalogText(N_("refusal.booking_form.no_name")))
    try:
        if not LOCAL_TIME.fullmatch(at):
            raise ValueError(at)
        starts_at = agenda_time(found, at)
    except ValueError:
        return refused(CatalogText(N_("refusal.not_a_date_time")))
    try:
        number = contacts.checked_number(number) if number.strip() else ""
    except contacts.ContactError as exc:
        return refused(said(exc))
    _, script = active_script(db, tenant=tenant)
    kind = booking_choice.kind(script, type_id) if type_id else None
    if type_id and (kind is None or not offers(script, found, type_id)):
        return refused(CatalogText(N_("refusal.booking_form.not_offered"), who=found.name,
                                   what=booking_choice.type_name(script, type_id) or type_id))
    rt = runtime_of(request)
    try:
        with rt.database.write_transaction(db):
            fresh = agenda_of(db, tenant, agenda)
            booked = booking.book(
                db, agenda=fresh, starts_at=starts_at, now=rt.clock(),
                caller_number=number, caller_name=name.strip(), language=tenant.language,
                source="admin", kind=kind, note=note.strip())
    except booking.BookingError as exc:
        return refused(CatalogText(N_("refusal.not_booked"), reason=exc.text),
                       409 if isinstance(exc, booking.SlotTaken) else 422)
    except WriteConflict:
        return refused(CatalogText(N_("refusal.not_booked"), reason=CatalogText(
            N_("refusal.booking.just_taken"))), 409)
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
