"""The owner's agenda page: the week's appointments, cancel and move with the same rules
(and SMS) as by phone, another business's appointment is 404."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.appointments import agendas, booking, free_times
from receptionist.appointments.models import Appointment, AppointmentStatus
from receptionist.outbox.models import OutboxItem
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import FixedClock


@pytest.fixture
def booked(session: Session, clock: FixedClock, client: TestClient) -> tuple[int, int]:
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[get_tenant(session, slug="demo")])
    ours = booking.book(session, agenda=main_agenda(session), starts_at=NOON,
                        now=clock(), caller_number="+15551112222", caller_name="Ada")
    theirs = booking.book(session, agenda=main_agenda(session, "demo-fr"),
                          starts_at=datetime(2026, 11, 18, 9, tzinfo=UTC), now=clock())
    session.commit()
    login(client, "owner@demo.test")
    assert ours.id is not None and theirs.id is not None
    return ours.id, theirs.id


def test_week_view_move_and_cancel(client: TestClient, session: Session,
                                   booked: tuple[int, int]) -> None:
    ours, theirs = booked
    page = client.get("/admin/t/demo/agenda")
    assert page.status_code == 200 and "12:00" in page.text and "Ada" in page.text
    csrf = csrf_of(page.text)
    taken = booking.book(session, agenda=main_agenda(session),
                         starts_at=NOON + timedelta(hours=1),
                         now=NOON - timedelta(hours=2))
    session.commit()
    clash = client.post(f"/admin/t/demo/appointments/{ours}/move",
                        data={"csrf": csrf, "starts_at": "2026-11-17T13:00"},
                        follow_redirects=True)
    assert "not moved: this time is no longer free" in clash.text
    moved = client.post(f"/admin/t/demo/appointments/{ours}/move",
                        data={"csrf": csrf, "starts_at": "2026-11-17T15:30"},
                        follow_redirects=True)
    assert "moved" in moved.text and "15:30" in moved.text
    assert client.post(f"/admin/t/demo/appointments/{theirs}/cancel",
                       data={"csrf": csrf}).status_code == 404
    assert client.post(f"/admin/t/demo/appointments/{ours}/cancel",
                       data={"csrf": "forged"}).status_code == 403
    # Cancelling asks first (a page, no JavaScript): nothing is cancelled yet.
    asked = client.post(f"/admin/t/demo/appointments/{ours}/cancel", data={"csrf": csrf})
    assert asked.status_code == 200 and "Cancel the appointment of Ada" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and "Keep it" in asked.text
    session.expire_all()
    row = session.get(Appointment, ours)
    assert row is not None and row.status == AppointmentStatus.booked
    client.post(f"/admin/t/demo/appointments/{ours}/cancel",
                data={"csrf": csrf, "confirm": "yes"})
    session.expire_all()
    row = session.get(Appointment, ours)
    assert row is not None and row.status == AppointmentStatus.cancelled
    kinds = [i.kind for i in session.execute(select(OutboxItem)).scalars()
             if i.appointment_id == ours]
    assert kinds == ["booking_confirmed", "booking_moved", "booking_cancelled"]
    assert taken.id is not None


def test_other_weeks_and_agendas(client: TestClient, booked: tuple[int, int]) -> None:
    assert "Ada" not in client.get("/admin/t/demo/agenda?week=2026-11-24").text
    assert client.get("/admin/t/demo/agenda?agenda=nope").status_code == 404
    assert client.get("/admin/t/demo-fr/agenda").status_code == 404


def test_the_practice_week_has_a_column_per_practitioner(
        client: TestClient, session: Session, clock: FixedClock, engine: Engine,
        booked: tuple[int, int]) -> None:
    from receptionist.appointments.models import ExternalBusy
    from tests.conftest import DEMO_EN
    from tests.twilio.practice import publish_practice

    publish_practice(engine, DEMO_EN)
    demo_id = get_tenant(session, slug="demo").id
    assert demo_id is not None
    okafor = agendas.get_agenda(session, tenant_id=demo_id, slug="okafor")
    martin = agendas.get_agenda(session, tenant_id=demo_id, slug="martin")
    assert okafor is not None and martin is not None
    booking.book(session, agenda=okafor, starts_at=NOON - timedelta(hours=1), now=clock(),
                 caller_name="Grace", kind=free_times.Kind("cleaning", 60, 10))
    assert martin.id is not None
    session.add(ExternalBusy(agenda_id=martin.id, uid="x", summary="dentist conference",
                             starts_at=NOON + timedelta(hours=2),
                             ends_at=NOON + timedelta(hours=3)))
    session.commit()
    page = client.get("/admin/t/demo/agenda/week?week=2026-11-17")
    assert page.status_code == 200
    html = page.text
    header = html[html.index("<caption>Tue 17 Nov"):]
    header = header[:header.index("</thead>")]
    assert [n in header for n in ("Dr Martin", "Dr Okafor", "Sam Lee, our hygienist")] == [
        True] * 3 and "Main agenda" not in header
    tuesday = html[html.index("<caption>Tue 17 Nov"):html.index("<caption>Wed 18 Nov")]
    eleven = tuesday[tuesday.index("<th scope=\"row\">11:00</th>"):]
    eleven = eleven[:eleven.index("</tr>")]
    assert "11:00–12:00" in eleven and "a cleaning" in eleven and "Grace" in eleven
    assert eleven.count('class="cell free"') == 2  # Dr Martin and Sam Lee are free
    two = tuesday[tuesday.index("<th scope=\"row\">14:00</th>"):]
    two = two[:two.index("</tr>")]
    # Dr Martin's calendar is busy, Dr Okafor is off in the afternoon, Sam Lee is free.
    assert re.findall(r'class="cell (\w+)"', two) == ["busy", "closed", "free"]
    assert "dentist conference" not in html  # the owner's private event stays private
    saturday = html.find("<caption>Sat 21 Nov")
    assert saturday == -1  # nobody works on Saturdays: no table
    assert "Week of every practitioner" in client.get("/admin/t/demo/agenda").text
    one_day = client.get("/admin/t/demo/agenda/week?day=2026-11-18").text
    assert "<caption>Wed 18 Nov" in one_day and "<caption>Tue 17 Nov" not in one_day
