"""The API booked 10:00:00.5 beside 10:00:00: the grid check truncated to whole seconds
while the slot claims kept the fraction, so two appointments overlapped by half a second
less than a slot. A start is a slot start of the agenda's grid, to the microsecond; one
with seconds or a fraction is refused with the reason (422)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.appointments import agendas, booking, free_times
from receptionist.appointments.availability import is_slot_start
from receptionist.appointments.booking import NotASlot
from receptionist.appointments.models import Appointment, AppointmentStatus
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock

BOOK = "/api/v1/tenants/demo/appointments"
SLOT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # 10:00 in New York, a slot of `main`
WHOLE_MINUTE = "a slot starts on a whole minute (no seconds)"


def _overlaps(session: Session) -> int:
    session.expire_all()
    rows = list(session.execute(select(Appointment).where(
        col(Appointment.status) == AppointmentStatus.booked)).scalars())
    return sum(1 for i, a in enumerate(rows) for b in rows[i + 1:]
               if a.agenda_id == b.agenda_id and a.starts_at < b.ends_at
               and b.starts_at < a.ends_at)


def test_half_a_second_off_the_grid_is_not_a_booking(client: TestClient, demo_token: str,
                                                     session: Session) -> None:
    """10:00:00.5 (its end, 10:30:00.5, read as 10:30) then 10:30: overlapped by 0.5 s."""
    headers = {"Authorization": f"Bearer {demo_token}"}
    half = timedelta(milliseconds=500)
    first = client.post(BOOK, headers=headers, json={"starts_at": (SLOT + half).isoformat()})
    assert first.status_code == 422, first.text
    assert first.json()["detail"] == WHOLE_MINUTE
    next_slot = SLOT + timedelta(minutes=30)
    second = client.post(BOOK, headers=headers, json={"starts_at": next_slot.isoformat()})
    assert second.status_code == 201, second.text
    third = client.post(BOOK, headers=headers,
                        json={"starts_at": (next_slot + half).isoformat()})
    assert third.status_code == 422 and third.json()["detail"] == WHOLE_MINUTE
    assert _overlaps(session) == 0


@pytest.mark.parametrize("offset", [timedelta(microseconds=1), timedelta(seconds=1),
                                    timedelta(seconds=59, microseconds=999_999)])
def test_off_the_minute_starts_are_refused(client: TestClient, demo_token: str,
                                           offset: timedelta) -> None:
    response = client.post(BOOK, headers={"Authorization": f"Bearer {demo_token}"},
                           json={"starts_at": (SLOT + offset).isoformat()})
    assert response.status_code == 422 and response.json()["detail"] == WHOLE_MINUTE


def test_moving_half_a_second_into_the_next_slot_is_refused(
        client: TestClient, demo_token: str, session: Session) -> None:
    headers = {"Authorization": f"Bearer {demo_token}"}
    first = client.post(BOOK, headers=headers, json={"starts_at": SLOT.isoformat()})
    assert first.status_code == 201
    next_slot = (SLOT + timedelta(minutes=30)).isoformat()
    assert client.post(BOOK, headers=headers,
                       json={"starts_at": next_slot}).status_code == 201
    moved = client.patch(f"{BOOK}/{first.json()['id']}", headers=headers, json={
        "starts_at": (SLOT + timedelta(milliseconds=500)).isoformat()})
    assert moved.status_code == 422 and moved.json()["detail"] == WHOLE_MINUTE
    assert _overlaps(session) == 0


def test_the_grid_is_exact(session: Session, clock: FixedClock) -> None:
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    agenda = agendas.get_agenda(session, tenant_id=demo.id, slug="main")
    assert agenda is not None
    rules = free_times.rules_of(agenda)
    assert is_slot_start(rules, SLOT)
    assert not is_slot_start(rules, SLOT + timedelta(milliseconds=500))
    with pytest.raises(NotASlot, match="whole minute"):
        booking.book(session, agenda=agenda, now=clock(),
                     starts_at=SLOT + timedelta(microseconds=1))


def test_the_reason_is_told_in_french() -> None:
    from receptionist.catalog_text import CatalogText, in_language
    from receptionist.i18n import N_

    refused = NotASlot(N_("refusal.booking.whole_minute"))
    assert str(refused) == WHOLE_MINUTE
    assert in_language(CatalogText(N_("refusal.not_booked"), reason=refused.text), "fr") == (
        "non réservé\u202f: un créneau commence à une minute pile (sans secondes)")
