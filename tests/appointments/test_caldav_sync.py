"""Two-way sync with a real CalDAV server (Radicale): our bookings appear in the owner's
calendar under a stable UID, move and disappear with them; the owner's own events block
slots, at the next check (every 30 s) after they change; a server that is down delays the
sync but never touches the booking."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from receptionist.appointments import agendas, booking, caldav_sync, free_times
from receptionist.appointments.models import Agenda, SyncState
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.appointments.radicale_server import PASSWORD, USER, Radicale, radicale
from tests.conftest import FixedClock

OWNER_EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//owner//phone//EN
BEGIN:VEVENT
UID:dentist-conference-1
DTSTAMP:20261101T120000Z
DTSTART;TZID=America/New_York:20261117T130000
DTEND;TZID=America/New_York:20261117T143000
SUMMARY:Lunch with supplier
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Radicale]:
    with radicale(tmp_path / "radicale") as running:
        yield running


@pytest.fixture
def linked(session: Session, runtime: Runtime, server: Radicale) -> tuple[Agenda, str]:
    url = server.make_calendar("practice")
    agenda = main_agenda(session)
    agenda.caldav_url, agenda.caldav_username = url, USER
    agenda.caldav_password = seal(runtime.settings.secret_key, PASSWORD)
    session.add(agenda)
    session.commit()
    return agenda, url


def events_in(server: Radicale, url: str) -> dict[str, tuple[datetime, str]]:
    calendar = server.client().calendar(url=url)
    found = {}
    for event in calendar.events():
        component = event.icalendar_component
        found[str(component["uid"])] = (component["dtstart"].dt, str(component["summary"]))
    return found


def test_bookings_are_written_moved_and_deleted(session: Session, runtime: Runtime,
                                                clock: FixedClock, server: Radicale,
                                                linked: tuple[Agenda, str]) -> None:
    agenda, url = linked
    booked = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                          caller_number="+15551234567", caller_name="Ada Lovelace")
    session.commit()
    assert booked.sync_state is SyncState.pending
    assert caldav_sync.push_due(runtime) == 1
    assert events_in(server, url) == {booked.uid: (NOON, "Appointment: Ada Lovelace")}
    session.refresh(booked)
    assert str(booked.sync_state) == SyncState.synced

    later = NOON + timedelta(hours=2)
    booking.move(session, appointment=booked, agenda=agenda, starts_at=later, now=clock())
    session.commit()
    assert caldav_sync.push_due(runtime) == 1
    assert events_in(server, url) == {booked.uid: (later, "Appointment: Ada Lovelace")}

    booking.cancel(session, appointment=booked, agenda=agenda, now=clock())
    session.commit()
    assert caldav_sync.push_due(runtime) == 1
    assert events_in(server, url) == {}
    assert caldav_sync.push_due(runtime) == 0  # nothing left to do


def test_the_owners_events_block_slots(session: Session, runtime: Runtime, clock: FixedClock,
                                       server: Radicale, linked: tuple[Agenda, str]) -> None:
    agenda, url = linked
    server.client().calendar(url=url).save_event(OWNER_EVENT)
    assert caldav_sync.pull_busy(runtime) == 1
    session.refresh(agenda)
    free = free_times.available(session, agenda, now=clock(), start=NOON,
                                end=NOON + timedelta(hours=4))
    # 13:00-14:30 New York (18:00-19:30 UTC) is the owner's lunch.
    assert [f.astimezone(UTC).strftime("%H:%M") for f in free] == [
        "17:00", "17:30", "19:30", "20:00", "20:30"]
    with pytest.raises(booking.SlotTaken):
        booking.book(session, agenda=agenda, starts_at=NOON + timedelta(hours=1),
                     now=clock())
    # Our own events, read back, do not block themselves.
    session.rollback()
    booking.book(session, agenda=agenda, starts_at=NOON, now=clock())
    session.commit()
    caldav_sync.push_due(runtime)
    caldav_sync.pull_busy(runtime)
    assert NOON + timedelta(minutes=30) in free_times.available(
        session, agenda, now=clock(), start=NOON, end=NOON + timedelta(hours=1))


def test_a_new_event_blocks_its_time_at_the_next_check(
        session: Session, runtime: Runtime, clock: FixedClock, server: Radicale,
        linked: tuple[Agenda, str]) -> None:
    """Checks are frequent and cheap: the events are read again only when the calendar's
    change mark moved (or once an hour); the owner's new event is then blocked."""
    agenda, url = linked
    step = timedelta(seconds=caldav_sync.PULL_SECONDS)
    assert caldav_sync.pull_busy(runtime) == 1  # first check: a full read
    session.refresh(agenda)
    first_mark = agenda.caldav_sync_mark
    assert first_mark  # Radicale gives a sync-token
    clock.now += step
    assert caldav_sync.pull_busy(runtime) == 0  # unchanged: nothing read
    session.refresh(agenda)
    checked = agenda.caldav_checked_at
    assert checked is not None
    assert (checked.astimezone(UTC) if checked.tzinfo else checked.replace(tzinfo=UTC)
            ) == clock.now
    lunch = NOON + timedelta(hours=1)  # 13:00 in New York
    assert lunch in free_times.available(session, agenda, now=clock(), start=NOON,
                                         end=NOON + timedelta(hours=4))
    server.client().calendar(url=url).save_event(OWNER_EVENT)  # added on the owner's phone
    clock.now += step
    assert caldav_sync.pull_busy(runtime) == 1
    session.refresh(agenda)
    assert agenda.caldav_sync_mark != first_mark
    assert lunch not in free_times.available(session, agenda, now=clock(), start=NOON,
                                             end=NOON + timedelta(hours=4))
    clock.now += step
    assert caldav_sync.pull_busy(runtime) == 0
    clock.now += caldav_sync.FULL_READ_EVERY  # the horizon has moved on: read again
    assert caldav_sync.pull_busy(runtime) == 1


def test_relinking_reads_the_calendar_in_full(session: Session, runtime: Runtime,
                                              clock: FixedClock,
                                              linked: tuple[Agenda, str]) -> None:
    agenda, _ = linked
    assert caldav_sync.pull_busy(runtime) == 1
    assert caldav_sync.pull_busy(runtime) == 0
    session.refresh(agenda)
    agendas.calendar_linked(session, agenda=agenda, now=clock())
    session.commit()
    assert caldav_sync.pull_busy(runtime) == 1


def test_a_server_that_is_down_delays_the_sync_only(session: Session, runtime: Runtime,
                                                    clock: FixedClock, tmp_path: Path,
                                                    server: Radicale,
                                                    linked: tuple[Agenda, str]) -> None:
    agenda, url = linked
    port = int(server.base.rsplit(":", 1)[1])
    server.proc.terminate()
    server.proc.wait()
    booked = booking.book(session, agenda=agenda, starts_at=NOON, now=clock())
    session.commit()
    assert caldav_sync.push_due(runtime) == 0
    assert caldav_sync.pull_busy(runtime) == 0
    session.refresh(booked)
    session.refresh(agenda)
    assert booked.sync_state == SyncState.pending and booked.sync_attempts == 1
    assert "Error" in booked.sync_error or "refused" in booked.sync_error.lower()
    assert agenda.caldav_error  # shown to the owner
    assert caldav_sync.push_due(runtime) == 0  # backing off: not due yet
    clock.now += timedelta(minutes=1)
    with radicale(tmp_path / "radicale", port=port) as again:
        assert caldav_sync.push_due(runtime) == 1
        assert list(events_in(again, url)) == [booked.uid]
    session.refresh(booked)
    assert str(booked.sync_state) == SyncState.synced and booked.sync_error == ""


def test_a_wrong_password_is_reported(session: Session, runtime: Runtime, clock: FixedClock,
                                      linked: tuple[Agenda, str]) -> None:
    agenda, _ = linked
    agenda.caldav_password = seal(runtime.settings.secret_key, "wrong")
    session.add(agenda)
    session.commit()
    assert caldav_sync.pull_busy(runtime) == 0
    session.refresh(agenda)
    assert "401" in agenda.caldav_error or "Unauthorized" in agenda.caldav_error
