"""Finding 2: the CalDAV client (caldav over niquests) followed redirects, and only the
first address was checked: a calendar server allowed by the outbound policy answered 30x
to an internal address, and the sync went there. Calendar requests now follow no
redirect: the agenda (or the appointment) shows why, and the target gets nothing.

The calendar server is on 127.0.0.2, which the policy allows; the canary on 127.0.0.1 is
not allowed."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from receptionist.appointments import booking, caldav_sync
from receptionist.appointments.models import Agenda, SyncState
from receptionist.outbound import Policy
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import FixedClock
from tests.security.canary import Answer, Server, answering, canary

CALENDAR_HOST = "127.0.0.2"


@pytest.fixture
def internal() -> Iterator[Server]:
    with canary("127.0.0.1") as server:
        yield server


@pytest.fixture(params=[301, 307])
def redirecting(request: pytest.FixtureRequest, internal: Server) -> Iterator[Server]:
    location = f"{internal.base}/calendars/owner/"
    with answering(Answer(request.param, (("Location", location),)), CALENDAR_HOST) as s:
        yield s


@pytest.fixture
def linked(session: Session, runtime: Runtime, redirecting: Server) -> Agenda:
    runtime.outbound = Policy(allowed=(ipaddress.ip_network(f"{CALENDAR_HOST}/32"),))
    runtime.outbound.check(redirecting.base)  # the first host is allowed
    agenda = main_agenda(session)
    agenda.caldav_url, agenda.caldav_username = f"{redirecting.base}/dav/practice/", "owner"
    agenda.caldav_password = seal(runtime.settings.secret_key, "calendar-secret")
    session.add(agenda)
    session.commit()
    return agenda


def test_a_calendar_check_does_not_follow_a_redirect(
        session: Session, runtime: Runtime, linked: Agenda, redirecting: Server,
        internal: Server) -> None:
    assert caldav_sync.pull_busy(runtime) == 0
    assert redirecting.seen and internal.seen == []
    session.refresh(linked)
    assert "redirect" in linked.caldav_error and internal.base in linked.caldav_error


def test_a_booking_push_does_not_follow_a_redirect(
        session: Session, runtime: Runtime, clock: FixedClock, linked: Agenda,
        redirecting: Server, internal: Server) -> None:
    booked = booking.book(session, agenda=linked, starts_at=NOON, now=clock(),
                          caller_number="+15551234567", caller_name="Ada Lovelace")
    session.commit()
    pushed = caldav_sync.push_due(runtime)
    assert redirecting.seen and internal.seen == []  # the old code PUT the booking here
    assert pushed == 0
    session.refresh(booked)
    assert booked.sync_state == SyncState.pending and "redirect" in booked.sync_error
