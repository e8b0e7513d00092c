"""Agendas (bookable calendars with their rules), appointments, and what blocks time.

An agenda is one practitioner's (or room's, or resource's) time: a script's
`booking.practitioners` each book into the agenda of the same slug.

No double booking is a database rule, not a check: every appointment claims the 5-minute
units it occupies (its length plus its buffer) in `slot_claims`, whose primary key is
(agenda, unit). Two transactions booking overlapping times insert the same key and one of
them fails, on SQLite as on PostgreSQL, whatever the lengths of the two appointments.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    event,
)
from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow

UNIT_MINUTES = 5  # granularity of slot claims; slot lengths and buffers are multiples


class Agenda(SQLModel, table=True):
    """One bookable calendar of a tenant (a practitioner, a room...)."""

    __tablename__ = "agendas"
    __table_args__ = (UniqueConstraint("tenant_id", "slug", name="uq_agenda_tenant_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    # {"mon": ["09:00-12:00", "13:00-18:00"], ...} in the agenda's time zone.
    weekly_hours: str = Field(sa_type=Text)
    # [{"start": "2026-12-24", "end": "2026-12-26", "name": "..."}] (inclusive dates).
    closures: str = Field(default="[]", sa_type=Text)
    slot_minutes: int = 30
    buffer_minutes: int = 0
    min_notice_minutes: int = 60
    horizon_days: int = 60
    reminder_hours: int = 24  # 0: no reminder
    # The read-only ICS feed lives at /ics/{feed_token}.ics (unguessable, revocable).
    feed_token: str = Field(unique=True, index=True, max_length=64)
    caldav_url: str | None = Field(default=None, max_length=1000)
    caldav_username: str | None = Field(default=None, max_length=200)
    caldav_password: str | None = Field(default=None, max_length=2000)  # encrypted
    # Or, instead of CalDAV: a published iCalendar feed read for busy times only (its
    # "secret address", encrypted like the password; appointments/busy_feed.py).
    busy_feed_url: str | None = Field(default=None, max_length=3000)
    caldav_checked_at: datetime | None = None  # last successful check of busy times
    caldav_error: str = Field(default="", max_length=1000)
    # What the calendar said its state was (sync-token or ctag) when its events were last
    # read in full, and when: a check that finds the same mark reads nothing more.
    caldav_sync_mark: str = Field(default="", max_length=300)
    caldav_read_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class AppointmentStatus(StrEnum):
    booked = "booked"
    cancelled = "cancelled"


class NameStatus(StrEnum):
    """Where the spoken name's transcript stands (`spoken_names`). Stored as a plain string
    (migration 0007), like `contacts.Listed`."""
    none = "none"  # no name recorded
    pending = "pending"  # recorded, waiting for the worker
    done = "done"
    failed = "failed"  # nothing heard, or gave up after the attempts
    no_model = "no_model"  # no speech model for the language yet: retried when one appears


class SyncState(StrEnum):
    none = "none"  # the agenda has no CalDAV link
    pending = "pending"
    synced = "synced"
    failed = "failed"  # gave up after the configured attempts; shown, booking intact


class Appointment(SQLModel, table=True):
    __tablename__ = "appointments"
    # Covering index of the availability sweep (service.blocked): no table lookups.
    __table_args__ = (Index("ix_appointments_agenda_block", "agenda_id", "start_s",
                            "block_end_s", "status"),
                      # The dashboard's count of upcoming appointments.
                      Index("ix_appointments_upcoming", "tenant_id", "status", "starts_at"),
                      # A caller's bookings and the name they gave (the inbox, the call
                      # log, contacts): without it SQLite reads every booking of the
                      # business rather than the few of the numbers on the page.
                      Index("ix_appointments_caller", "tenant_id", "caller_number"))

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    agenda_id: int = Field(foreign_key="agendas.id")
    # The iCalendar UID: stable across moves, so the event in the owner's calendar moves.
    uid: str = Field(unique=True, max_length=200)
    starts_at: datetime
    ends_at: datetime
    # starts_at / ends_at as epoch seconds (set by the ORM hook below): what availability
    # reads for thousands of rows, without parsing a timestamp per row.
    start_s: int = Field(default=0, sa_type=BigInteger)
    end_s: int = Field(default=0, sa_type=BigInteger)
    # The appointment type (the script's `booking.types` id; "" for an agenda's plain
    # slot) and the buffer kept free after it, as booked: changing a type later does not
    # move what is already booked. block_end_s = end_s + the buffer (set by the hook).
    appointment_type: str = Field(default="", max_length=64)
    buffer_minutes: int = 0
    block_end_s: int = Field(default=0, sa_type=BigInteger)
    status: AppointmentStatus = Field(default=AppointmentStatus.booked, max_length=16,
                                      index=True)
    caller_number: str = Field(default="", max_length=64, index=True)
    caller_name: str = Field(default="", max_length=200)
    name_recording_url: str | None = Field(default=None, max_length=1000)
    # The spoken name's transcript (appointments.spoken_names): a NameStatus value
    name_status: str = Field(default=NameStatus.none.value, max_length=16, index=True)
    name_attempts: int = 0
    name_next_at: datetime | None = None
    language: str = Field(default="en-US", max_length=10)
    source: str = Field(default="phone", max_length=16)  # phone | api | admin
    note: str = Field(default="", max_length=500)  # the owner's, when booked in the admin UI
    # Every change, oldest first, as JSON: [{"at", "what": booked|moved|cancelled, "to",
    # "by"}] (what the owner sees on the appointment's page).
    history: str = Field(default="[]", sa_type=Text)
    call_sid: str | None = Field(default=None, max_length=64)
    sequence: int = 0  # iCalendar SEQUENCE, bumped on every change
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    reminder_sent_at: datetime | None = None
    sync_state: SyncState = Field(default=SyncState.none, max_length=16, index=True)
    sync_attempts: int = 0
    sync_next_at: datetime | None = None
    sync_error: str = Field(default="", max_length=1000)


class SlotClaim(SQLModel, table=True):
    """A 5-minute unit of an agenda taken by an appointment (see module docstring)."""

    __tablename__ = "slot_claims"

    agenda_id: int = Field(foreign_key="agendas.id", primary_key=True)
    unit_start: datetime = Field(primary_key=True)
    appointment_id: int = Field(sa_column=Column(
        Integer, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False,
        index=True))


class ExternalBusy(SQLModel, table=True):
    """An event in the linked CalDAV calendar that is not ours: it blocks availability."""

    __tablename__ = "external_busy"
    __table_args__ = (Index("ix_external_busy_agenda_span", "agenda_id", "start_s", "end_s"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_id: int = Field(foreign_key="agendas.id")
    uid: str = Field(max_length=300)
    starts_at: datetime
    ends_at: datetime
    start_s: int = Field(default=0, sa_type=BigInteger)  # epoch seconds, as on Appointment
    end_s: int = Field(default=0, sa_type=BigInteger)
    summary: str = Field(default="", max_length=300)


@event.listens_for(Appointment, "before_insert")
@event.listens_for(Appointment, "before_update")
@event.listens_for(ExternalBusy, "before_insert")
@event.listens_for(ExternalBusy, "before_update")
def _spans(_mapper: object, _connection: object, row: Appointment | ExternalBusy) -> None:
    set_spans(row)


def set_spans(row: Appointment | ExternalBusy) -> None:
    """The epoch columns of a row's span (the mapper's hook sets them on every flush; a
    Core INSERT of the row calls this itself)."""
    row.start_s = int(row.starts_at.timestamp())
    row.end_s = int(row.ends_at.timestamp())
    if isinstance(row, Appointment):
        row.block_end_s = row.end_s + row.buffer_minutes * 60
