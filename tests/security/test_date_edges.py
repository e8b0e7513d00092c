"""Finding 6: dates at datetime's edges were 500s (OverflowError). Each is a 422 (or, in
the admin move form, a notice) with the reason now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.appointments import agendas, booking
from receptionist.appointments.models import Appointment
from receptionist.tenants.service import get_tenant
from tests.admin.helpers import csrf_of, login
from tests.conftest import FixedClock
from tests.security.conftest import OWNER

API = "/api/v1/tenants/demo"
EDGES = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z"]


def _book(session: Session, clock: FixedClock) -> Appointment:
    agenda = agendas.get_agenda(session, tenant_id=get_tenant(session, slug="demo").id or 0,
                                slug="main")
    assert agenda is not None
    booked = booking.book(session, agenda=agenda, now=clock(),
                          starts_at=datetime(2026, 11, 18, 16, tzinfo=UTC))
    session.commit()
    return booked


def _reason(response: object) -> str:
    return str(response.json()["detail"])  # type: ignore[attr-defined]


def test_api_availability_at_the_edges(client: TestClient, demo_token: str) -> None:
    headers = {"Authorization": f"Bearer {demo_token}"}
    for day in ("9999-12-31", "0001-01-01"):
        response = client.get(f"{API}/availability?date={day}", headers=headers)
        assert response.status_code == 422
        assert "dates must be between" in _reason(response)
    response = client.get(f"{API}/appointments?since=9999-12-31", headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize("starts_at", EDGES)
def test_api_booking_and_moving_at_the_edges(client: TestClient, demo_token: str,
                                             session: Session, clock: FixedClock,
                                             starts_at: str) -> None:
    headers = {"Authorization": f"Bearer {demo_token}"}
    response = client.post(f"{API}/appointments", json={"starts_at": starts_at},
                           headers=headers)
    assert response.status_code == 422 and "dates must be between" in _reason(response)
    booked = _book(session, clock)
    response = client.patch(f"{API}/appointments/{booked.id}", json={"starts_at": starts_at},
                            headers=headers)
    assert response.status_code == 422


@pytest.mark.usefixtures("accounts")
def test_admin_pages_at_the_edges(client: TestClient, session: Session,
                                  clock: FixedClock) -> None:
    assert login(client, OWNER)[0] == 200
    for url in ("/admin/t/demo/inbox?to=9999-12-31", "/admin/t/demo/inbox?from=0001-01-01",
                "/admin/t/demo/agenda?week=0001-01-01", "/admin/t/demo/agenda?week=9999-12-31"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert "dates must be between" in response.text
    booked = _book(session, clock)
    page = client.get("/admin/t/demo/agenda?week=2026-11-16")
    moved = client.post(f"/admin/t/demo/appointments/{booked.id}/move", data={
        "csrf": csrf_of(page.text), "starts_at": "9999-12-31T23:30"}, follow_redirects=True)
    assert moved.status_code == 200 and "not a date and time" in moved.text
