"""An owner books a free time from the week grid (name, number, note, type) with the same
rule and SMS as by phone, and reads an appointment's page with its history."""

from __future__ import annotations

import html
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.appointments import booking
from receptionist.appointments.models import Appointment
from receptionist.outbox.models import OutboxItem
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio.practice import publish_practice

BOOK = "/admin/t/demo/agenda/book?agenda=lee&at=2026-11-18T10:00"
FORM = {"agenda": "lee", "at": "2026-11-18T10:00"}


def owner(session: Session, client: TestClient) -> None:
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[get_tenant(session, slug="demo")])
    session.commit()
    login(client, "owner@demo.test")


def test_book_a_free_slot_from_the_week_grid(client: TestClient, session: Session,
                                             engine: Engine) -> None:
    publish_practice(engine, DEMO_EN)
    owner(session, client)
    week = html.unescape(client.get("/admin/t/demo/agenda?week=2026-11-18").text)
    assert f'href="{BOOK}"' in week
    form = client.get(BOOK)
    assert form.status_code == 200 and "Wednesday 18 November 2026 10:00" in form.text
    assert '<option value="cleaning">a cleaning</option>' in form.text
    assert '<option value="checkup">' not in form.text  # Sam Lee does not do check-ups
    done = client.post("/admin/t/demo/agenda/book", data={
        **FORM, "csrf": csrf_of(form.text), "name": "Grace Hopper", "number": "+15551239999",
        "note": "prefers mornings", "type": "cleaning"}, follow_redirects=True)
    assert done.status_code == 200 and "booked" in done.text
    page = html.unescape(done.text)
    assert "Grace Hopper" in page and "+15551239999" in page and "prefers mornings" in page
    assert "a cleaning" in page and "in the admin UI" in page
    [booked] = session.execute(select(Appointment)).scalars().all()
    assert (booked.source, booked.appointment_type) == ("admin", "cleaning")
    assert booked.ends_at - booked.starts_at == timedelta(minutes=60)
    sms = session.execute(select(OutboxItem)).scalars().all()
    assert [(s.kind, s.recipient) for s in sms] == [("booking_confirmed", "+15551239999")]
    # The same time again: refused, with the reason, nothing booked twice.
    again = client.post("/admin/t/demo/agenda/book", data={
        **FORM, "csrf": csrf_of(form.text), "name": "Someone else", "type": "cleaning"})
    assert again.status_code == 409 and "not booked: this time is no longer free" in again.text
    assert "Someone else" in again.text  # what was typed is kept
    bad = client.post("/admin/t/demo/agenda/book", data={
        **FORM, "csrf": csrf_of(form.text), "name": "X", "number": "123"})
    assert bad.status_code == 422 and "E.164" in bad.text
    assert client.post("/admin/t/demo/agenda/book", data={
        **FORM, "csrf": csrf_of(form.text), "name": "X", "type": "checkup"}
        ).status_code == 422
    assert client.post("/admin/t/demo/agenda/book",
                       data={**FORM, "csrf": "forged", "name": "X"}).status_code == 403
    assert len(session.execute(select(Appointment)).scalars().all()) == 1


def test_an_appointments_page_shows_how_it_was_booked_and_moved(
        client: TestClient, session: Session, clock: FixedClock) -> None:
    owner(session, client)
    agenda = main_agenda(session)
    booked = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                          caller_number="+15551112222", caller_name="Ada",
                          call_sid="CA" + "1" * 32)
    session.commit()
    page = client.get(f"/admin/t/demo/appointments/{booked.id}")
    assert page.status_code == 200 and "Ada" in page.text and "by phone" in page.text
    assert f'/admin/t/demo/calls/CA{"1" * 32}' in page.text
    moved = client.post(f"/admin/t/demo/appointments/{booked.id}/move", data={
        "csrf": csrf_of(page.text), "starts_at": "2026-11-17T14:00"}, follow_redirects=True)
    assert moved.status_code == 200
    after = client.get(f"/admin/t/demo/appointments/{booked.id}").text
    assert "booked → 2026-11-17 17:00 UTC · phone" in html.unescape(after)
    assert "moved → 2026-11-17 19:00 UTC · owner@demo.test" in html.unescape(after)
    other = booking.book(session, agenda=main_agenda(session, "demo-fr"),
                         starts_at=NOON + timedelta(days=1, hours=-9), now=clock())
    session.commit()
    assert client.get(f"/admin/t/demo/appointments/{other.id}").status_code == 404
