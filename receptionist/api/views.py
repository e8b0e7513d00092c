"""JSON API under /api/v1 (DESIGN §5): a tenant's calls, messages, availability and
appointments, for owners' tools and integrations. Every route checks the bearer token's
tenant (api.auth)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from receptionist.api.auth import TenantDep
from receptionist.appointments import agendas, booking, free_times, lookups
from receptionist.appointments.free_times import Kind
from receptionist.appointments.models import Agenda, Appointment
from receptionist.call_flows.booking import choice as booking_choice
from receptionist.call_flows.publishing import active_script
from receptionist.calls import service as calls
from receptionist.clock import SaneDate, SaneDateTime
from receptionist.messages import service as messages
from receptionist.tenants.models import Tenant
from receptionist.web_deps import RowId, RuntimeDep, reading, writing

router = APIRouter(prefix="/api/v1/tenants/{slug}", tags=["api"])
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class CallOut(BaseModel):
    call_sid: str
    from_number: str
    to_number: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    duration_s: int | None


class MessageOut(BaseModel):
    id: int
    call_sid: str
    caller: str
    created_at: datetime
    duration_s: int
    handled: bool
    transcript: str | None
    fetch_status: str


class AppointmentOut(BaseModel):
    id: int
    agenda: str
    starts_at: datetime
    ends_at: datetime
    status: str
    caller_number: str
    caller_name: str
    source: str
    sync_state: str
    type: str = Field(description="the appointment type (the script's booking.types), "
                                  "\"\" for the agenda's plain slot")


class AvailabilityOut(BaseModel):
    agenda: str
    date: date
    timezone: str
    slot_minutes: int = Field(description="how long each slot lasts (the type's length "
                                          "when a type was asked)")
    type: str = ""
    slots: list[datetime]


TypeId = Annotated[str, Query(max_length=64, pattern=r"^([a-z][a-z0-9_-]*)?$",
                              description="an appointment type of the business's script")]


class AppointmentIn(BaseModel):
    starts_at: SaneDateTime = Field(description="a slot start from the availability, "
                                                "with offset")
    agenda: str = Field(default="main", max_length=64)
    caller_number: str = Field(default="", max_length=32, pattern=r"^(\+[1-9]\d{6,14})?$")
    caller_name: str = Field(default="", max_length=200)
    language: str = Field(default="", pattern=r"^((en-US)|(fr-FR))?$")
    type: str = Field(default="", max_length=64, pattern=r"^([a-z][a-z0-9_-]*)?$",
                      description="an appointment type of the business's script (its "
                                  "length and buffer); default: the agenda's slot")


class MoveIn(BaseModel):
    starts_at: SaneDateTime


def _agenda(session: Session, tenant_id: int, slug: str) -> Agenda:
    agenda = agendas.get_agenda(session, tenant_id=tenant_id, slug=slug)
    if agenda is None:
        raise HTTPException(404, f"no agenda {slug!r}")
    return agenda


def _kind(session: Session, tenant: Tenant, type_id: str) -> Kind | None:
    """The appointment type `type_id` of the business's published script (422 if none)."""
    if not type_id:
        return None
    _, script = active_script(session, tenant=tenant)
    kind = booking_choice.kind(script, type_id)
    if kind is None:
        known = ", ".join(script.booking.types) or "none"
        raise HTTPException(422, f"unknown appointment type {type_id!r} (the script's "
                                 f"types: {known})")
    return kind


def _appointment_out(appointment: Appointment, agenda_slug: str) -> AppointmentOut:
    assert appointment.id is not None
    return AppointmentOut(
        id=appointment.id, agenda=agenda_slug, starts_at=appointment.starts_at,
        ends_at=appointment.ends_at, status=appointment.status,
        caller_number=appointment.caller_number, caller_name=appointment.caller_name,
        source=appointment.source, sync_state=appointment.sync_state,
        type=appointment.appointment_type)


@router.get("/calls", summary="Calls, newest first")
async def list_calls(tenant: TenantDep, rt: RuntimeDep, limit: Limit = 50,
                     offset: Offset = 0) -> list[CallOut]:
    assert tenant.id is not None
    tenant_id = tenant.id

    def work(session: Session) -> list[CallOut]:
        rows = calls.list_calls(session, tenant_id=tenant_id, limit=limit, offset=offset)
        return [CallOut.model_validate(row, from_attributes=True) for row in rows]
    return await reading(rt.database, work)


@router.get("/messages", summary="Messages left by callers, newest first")
async def list_messages(tenant: TenantDep, rt: RuntimeDep,
                        limit: Limit = 50, offset: Offset = 0) -> list[MessageOut]:
    assert tenant.id is not None
    tenant_id = tenant.id

    def work(session: Session) -> list[MessageOut]:
        rows = messages.list_messages(session, tenant_id=tenant_id, limit=limit,
                                      offset=offset)
        return [MessageOut(id=m.id, call_sid=sid, caller=m.caller, created_at=m.created_at,
                           duration_s=m.duration_s, handled=m.handled,
                           transcript=m.transcript, fetch_status=m.fetch_status)
                for m, sid in rows]
    return await reading(rt.database, work)


@router.get("/availability", summary="Free slot starts of one local day")
async def availability(tenant: TenantDep, rt: RuntimeDep,
                       day: Annotated[SaneDate, Query(alias="date")],
                       agenda: Annotated[str, Query(max_length=64)] = "main",
                       type_id: Annotated[TypeId, Query(alias="type")] = ""
                       ) -> AvailabilityOut:
    assert tenant.id is not None
    tenant_id = tenant.id

    def work(session: Session) -> AvailabilityOut:
        found = _agenda(session, tenant_id, agenda)
        kind = _kind(session, tenant, type_id)
        start, end = free_times.day_bounds(found, datetime.combine(
            day, time(12), free_times.rules_of(found).tz))
        slots = free_times.available(session, found, now=rt.clock(), start=start,
                                     end=end, kind=kind)
        return AvailabilityOut(agenda=found.slug, date=day, timezone=found.timezone,
                               slot_minutes=kind.minutes if kind else found.slot_minutes,
                               type=type_id, slots=slots)
    return await reading(rt.database, work)


@router.get("/appointments", summary="Appointments from a date on (default: today)")
async def list_appointments(tenant: TenantDep, rt: RuntimeDep,
                            since: SaneDate | None = None, include_cancelled: bool = False,
                            limit: Limit = 100, offset: Offset = 0) -> list[AppointmentOut]:
    start = (datetime.combine(since, time(0), ZoneInfo(tenant.timezone))
             if since is not None else rt.clock() - timedelta(days=1))
    assert tenant.id is not None
    tenant_id = tenant.id

    def work(session: Session) -> list[AppointmentOut]:
        rows = lookups.list_appointments(session, tenant_id=tenant_id, since=start,
                                         include_cancelled=include_cancelled,
                                         limit=limit, offset=offset)
        return [_appointment_out(a, slug) for a, slug in rows]
    return await reading(rt.database, work)


@router.post("/appointments", status_code=201, summary="Book a free slot (409 if taken)",
             responses={409: {"description": "the slot is taken"},
                        422: {"description": "not a bookable slot"}})
async def create_appointment(tenant: TenantDep, rt: RuntimeDep,
                             body: AppointmentIn) -> AppointmentOut:
    assert tenant.id is not None
    tenant_id, language = tenant.id, body.language or tenant.language

    def work(session: Session) -> AppointmentOut:
        with rt.database.write_transaction(session):
            # Read inside: the transaction starts from a fresh snapshot (reloading
            # whatever was read before it).
            agenda = _agenda(session, tenant_id, body.agenda)
            appointment = booking.book(
                session, agenda=agenda, starts_at=body.starts_at, now=rt.clock(),
                caller_number=body.caller_number, caller_name=body.caller_name,
                language=language, source="api", kind=_kind(session, tenant, body.type))
        return _appointment_out(appointment, agenda.slug)
    return await writing(rt.database, work)


def _own(session: Session, tenant_id: int, appointment_id: int) -> tuple[Appointment, Agenda]:
    appointment = lookups.get_appointment(session, tenant_id=tenant_id,
                                          appointment_id=appointment_id)
    if appointment is None:
        raise HTTPException(404, "no such appointment")
    agenda = session.get(Agenda, appointment.agenda_id)
    assert agenda is not None
    return appointment, agenda


@router.patch("/appointments/{appointment_id}", summary="Move an appointment (409 if taken)")
async def move_appointment(tenant: TenantDep, rt: RuntimeDep,
                           appointment_id: RowId, body: MoveIn) -> AppointmentOut:
    assert tenant.id is not None
    tenant_id = tenant.id

    def work(session: Session) -> AppointmentOut:
        appointment, agenda = _own(session, tenant_id, appointment_id)
        with rt.database.write_transaction(session):
            booking.move(session, appointment=appointment, agenda=agenda,
                         starts_at=body.starts_at, now=rt.clock(), by="api")
        return _appointment_out(appointment, agenda.slug)
    return await writing(rt.database, work)


@router.delete("/appointments/{appointment_id}", status_code=204,
               summary="Cancel an appointment")
async def cancel_appointment(tenant: TenantDep, rt: RuntimeDep,
                             appointment_id: RowId) -> Response:
    assert tenant.id is not None
    tenant_id = tenant.id

    def work(session: Session) -> None:
        appointment, agenda = _own(session, tenant_id, appointment_id)
        with rt.database.write_transaction(session):
            booking.cancel(session, appointment=appointment, agenda=agenda,
                           now=rt.clock(), by="api")
    await writing(rt.database, work)
    return Response(status_code=204)
