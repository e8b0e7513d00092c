"""The owner's agenda: the week calendar (every practitioner side by side or one, one day,
a type's free times; the old `main` agenda's appointments still shown; English and
French), booking from a free cell in two clicks, cancel and move with the same rules
(and SMS) as by phone; another business's appointment is 404. The clock is Tuesday
2026-11-17 10:00 in New York (16:00 in Paris)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from receptionist.appointments import agendas, booking, free_times
from receptionist.appointments.models import Appointment, AppointmentStatus, ExternalBusy
from receptionist.outbox.models import OutboxItem
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, create_accounts, csrf_of, login
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio.practice import publish_practice, publish_single_agenda

NBSP = "\u202f"


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


def _cell_labels(page: str) -> list[str]:
    return [html.unescape(label) for label in re.findall(r'aria-label="([^"]+)"', page)]


def _row(page: str, at: str) -> str:
    """The <tr> of the time `at` ("14:00")."""
    found = page[page.index(f'<th scope="row">{at}</th>'):]
    return found[:found.index("</tr>")]


def test_week_view_move_and_cancel(client: TestClient, session: Session,
                                   booked: tuple[int, int]) -> None:
    ours, theirs = booked
    page = client.get("/admin/t/demo/agenda?agenda=main")
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
    old = client.get("/admin/t/demo/agenda/week?week=2026-11-24&day=2026-11-25",
                     follow_redirects=False)
    assert old.status_code == 303
    assert old.headers["location"] == "/admin/t/demo/agenda?week=2026-11-24&day=2026-11-25"


def test_the_practice_week_in_english(client: TestClient, session: Session,
                                      clock: FixedClock, engine: Engine,
                                      booked: tuple[int, int]) -> None:
    publish_practice(engine, DEMO_EN)
    demo_id = get_tenant(session, slug="demo").id
    assert demo_id is not None
    okafor = agendas.get_agenda(session, tenant_id=demo_id, slug="okafor")
    martin = agendas.get_agenda(session, tenant_id=demo_id, slug="martin")
    assert okafor is not None and martin is not None and martin.id is not None
    booking.book(session, agenda=okafor, starts_at=NOON - timedelta(hours=1), now=clock(),
                 caller_name="Grace", kind=free_times.Kind("checkup", 30))
    # Wednesday: a 09:00-10:00 cleaning with Dr Martin (10 minutes' buffer after it).
    booking.book(session, agenda=martin, starts_at=NOON + timedelta(days=1, hours=-3),
                 now=clock(), caller_name="Linus", kind=free_times.Kind("cleaning", 60, 10))
    session.add(ExternalBusy(agenda_id=martin.id, uid="x", summary="dentist conference",
                             starts_at=NOON + timedelta(hours=2),
                             ends_at=NOON + timedelta(hours=3)))
    session.commit()
    page = client.get("/admin/t/demo/agenda?week=2026-11-17")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<title>Agenda · Demo Dental Clinic · receptionist</title>" in text
    assert "Agenda · week of Mon 16 Nov" in text
    head = text[text.index("<thead>"):text.index("</thead>")]
    assert [re.sub(r"<[^>]+>", "", d) for d in re.findall(
        r'<th scope="colgroup"[^>]*>(.*?)</th>', head)] == [
        "Mon 16 Nov", "Tue 17 Nov", "Wed 18 Nov", "Thu 19 Nov", "Fri 20 Nov", "Sat 21 Nov",
        "Sun 22 Nov"]
    assert 'class="today" aria-current="date"><a href="?day=2026-11-17"' in head
    # The practitioners side by side each day, and the old main agenda, which still has
    # Ada's appointment at noon on Tuesday.
    names = re.findall(r'<th scope="col" class="who">([^<]+)</th>', head)
    assert names[:4] == ["Dr Martin", "Dr Okafor", "Sam Lee, our hygienist", "Main agenda"]
    assert len(names) == 28
    labels = _cell_labels(page.text)
    assert ("12:00 Appointment · Ada, booked until 12:30, Tuesday 17 November, Main agenda"
            in labels)
    assert ("11:00 a check-up · Grace, booked until 11:30, Tuesday 17 November, Dr Okafor"
            in labels)
    assert "Busy in their calendar, Tuesday 17 November 14:00, Dr Martin" in labels
    assert "Closed, Tuesday 17 November 14:00, Dr Okafor" in labels  # off in the afternoon
    assert "Past, Tuesday 17 November 09:30, Dr Martin" in labels
    assert "Closed, Saturday 21 November 12:00, Dr Martin" in labels
    assert "Free, Wednesday 18 November 10:30, Dr Martin" in labels
    # After the cleaning and its buffer, 10:00 is not offered: booking would refuse it.
    assert ("Not bookable (too close to an appointment, a busy time or the closing), "
            "Wednesday 18 November 10:00, Dr Martin") in labels
    assert "Free, Wednesday 18 November 10:00, Dr Martin" not in labels
    assert ("Not bookable (too soon), Tuesday 17 November 10:30, Dr Martin") in labels
    assert "dentist conference" not in text  # the owner's private event stays private
    two = _row(page.text, "14:00")
    assert re.findall(r'class="cell (\w+)', two)[4:8] == ["busy", "closed", "free", "free"]
    assert 'class="cell unavailable now n0 first"' in _row(page.text, "10:00")  # the line
    # The links: a free cell opens the booking form at its agenda, day and time.
    assert 'href="/admin/t/demo/agenda/book?agenda=lee&at=2026-11-18T10:00"' in text
    assert 'href="/admin/t/demo/agenda/book">+ New appointment</a>' in text
    assert 'href="?week=2026-11-09" rel="prev"' in text
    assert 'href="?week=2026-11-23" rel="next"' in text
    link = re.search(r'href="(/admin/t/demo/appointments/\d+)" aria-label="11:00 a check-up',
                     page.text)
    assert link is not None and "Grace" in client.get(link.group(1)).text


def test_one_practitioner_one_day_and_a_types_free_times(
        client: TestClient, session: Session, engine: Engine,
        booked: tuple[int, int]) -> None:
    publish_practice(engine, DEMO_EN)
    martin = client.get("/admin/t/demo/agenda?agenda=martin&week=2026-11-18").text
    assert '<th scope="col" class="who">' not in martin  # one column a day
    assert not any("Dr Okafor" in label for label in _cell_labels(martin))
    assert 'href="?agenda=martin&amp;week=2026-11-23"' in martin  # the choice stays
    cleaning = html.unescape(client.get("/admin/t/demo/agenda?week=2026-11-18&type=cleaning"
                                        ).text)
    labels = _cell_labels(cleaning)
    assert ("Not bookable (does not offer a cleaning), Tuesday 17 November 11:30, "
            "Dr Okafor") in labels
    assert "Free, Wednesday 18 November 17:00, Dr Martin" in labels  # ends at 18:00
    assert ('href="/admin/t/demo/agenda/book?agenda=martin&at=2026-11-18T17:00'
            '&type=cleaning"') in cleaning
    assert "Free, Wednesday 18 November 17:30, Dr Martin" not in labels
    plain = _cell_labels(client.get("/admin/t/demo/agenda?week=2026-11-18").text)
    assert "Free, Wednesday 18 November 17:30, Dr Martin" in plain
    day = client.get("/admin/t/demo/agenda?day=2026-11-18&type=cleaning").text
    assert "Agenda · Wednesday 18 November" in day
    assert len(re.findall(r'<th scope="colgroup"', day)) == 1
    assert 'href="?type=cleaning&amp;day=2026-11-19" rel="next"' in day
    assert client.get("/admin/t/demo/agenda?type=nonsense").status_code == 200


def test_a_single_agenda_has_free_cells_and_a_new_appointment(
        client: TestClient, engine: Engine, booked: tuple[int, int]) -> None:
    publish_single_agenda(engine, DEMO_EN)
    page = client.get("/admin/t/demo/agenda?week=2026-11-18").text
    labels = _cell_labels(page)
    assert "Free, Wednesday 18 November 09:00, Main agenda" in labels
    assert "+ New appointment" in page and 'name="type"' not in page
    form = client.get("/admin/t/demo/agenda/book").text
    assert '<option value="main">Main agenda</option>' in form
    assert 'name="at" step="300" required value=""' in form


def test_two_clicks_book_a_free_cell_and_a_refusal_stays_on_the_form(
        client: TestClient, session: Session, engine: Engine,
        booked: tuple[int, int]) -> None:
    publish_practice(engine, DEMO_EN)
    page = client.get("/admin/t/demo/agenda?week=2026-11-18&type=cleaning").text
    links = [html.unescape(href) for href in re.findall(r'class="book-slot" href="([^"]+)"',
                                                           page)]
    link = "/admin/t/demo/agenda/book?agenda=martin&at=2026-11-17T11:00&type=cleaning"
    assert link in links and len(links) > 100
    form = client.get(link).text
    assert '<option value="martin" selected>Dr Martin</option>' in form
    assert 'value="2026-11-17T11:00"' in form
    assert '<option value="cleaning" selected>a cleaning</option>' in form
    assert "Tuesday 17 November 2026 11:00" in form
    fields = {"csrf": csrf_of(form), "agenda": "martin", "at": "2026-11-17T11:00",
              "type": "cleaning", "name": "Grace Hopper"}
    done = client.post("/admin/t/demo/agenda/book", data=fields, follow_redirects=True)
    assert done.status_code == 200 and "booked" in done.text and "Grace Hopper" in done.text
    again = client.post("/admin/t/demo/agenda/book", data={**fields, "name": "Alan"})
    assert again.status_code == 409
    assert "not booked: this time is no longer free" in again.text
    assert 'value="Alan"' in again.text and 'value="2026-11-17T11:00"' in again.text
    # 12:00 is inside Grace's cleaning and its buffer: it was never shown free.
    after = _cell_labels(client.get("/admin/t/demo/agenda?week=2026-11-18&type=cleaning"
                                    ).text)
    assert not any(label.startswith("Free, Tuesday 17 November 12:00, Dr Martin")
                   for label in after)
    unoffered = client.post("/admin/t/demo/agenda/book",
                            data={**fields, "agenda": "okafor", "at": "2026-11-18T10:00"})
    assert unoffered.status_code == 422 and "Dr Okafor does not offer a cleaning" in \
        html.unescape(unoffered.text)
    nobody = client.post("/admin/t/demo/agenda/book", data={**fields, "agenda": "nope"})
    assert nobody.status_code == 422 and "choose whom the appointment is with" in nobody.text
    no_time = client.post("/admin/t/demo/agenda/book", data={**fields, "at": "tomorrow"})
    assert no_time.status_code == 422 and "not a date and time" in no_time.text
    no_name = client.post("/admin/t/demo/agenda/book", data={**fields, "name": " "})
    assert no_name.status_code == 422 and "type the caller&#39;s name" in no_name.text
    assert len(session.execute(select(Appointment).where(
        col(Appointment.caller_name) == "Grace Hopper")).scalars().all()) == 1


def test_the_calendar_in_french(client: TestClient, session: Session, clock: FixedClock,
                                engine: Engine) -> None:
    publish_practice(engine, DEMO_FR)
    create_accounts(session)
    demo_fr = get_tenant(session, slug="demo-fr")
    assert demo_fr.id is not None
    martin = agendas.get_agenda(session, tenant_id=demo_fr.id, slug="martin")
    assert martin is not None
    # Wednesday 09:00-10:00 in Paris: a cleaning (« un détartrage »).
    booking.book(session, agenda=martin, starts_at=datetime(2026, 11, 18, 8, tzinfo=UTC),
                 now=clock(), caller_name="Marie", kind=free_times.Kind("detartrage", 60, 10))
    session.commit()
    login(client, "owner@demo-fr.test")
    page = client.get("/admin/t/demo-fr/agenda?week=2026-11-18")
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    text = html.unescape(page.text)
    assert "Agenda · semaine du lun. 16 nov." in text
    assert ">mer. 18 nov.</a>" in text
    assert "+ Nouveau rendez-vous" in text and "Semaine suivante →" in text
    labels = _cell_labels(page.text)
    assert ("09:00 un détartrage · Marie, réservé jusqu’à 10:00, mercredi 18 novembre, "
            "le docteur Martin") in labels
    assert "Libre, mercredi 18 novembre 10:30, le docteur Martin" in labels
    assert "Libre, mercredi 18 novembre 10:00, le docteur Martin" not in labels
    assert "Passé, mardi 17 novembre 15:30, le docteur Martin" in labels  # 16:00 in Paris
    assert "Fermé, samedi 21 novembre 12:00, le docteur Martin" in labels
    assert f"libre{NBSP}: cliquer pour réserver" in text
    for english in ("Free", "Booked", "Closed", "Next week", "Everyone", "week of"):
        assert english not in text, english
    form = client.get("/admin/t/demo-fr/agenda/book?agenda=martin&at=2026-11-18T10:30"
                      "&type=detartrage").text
    assert "mercredi 18 novembre 2026 10:30" in form
    refused = client.post("/admin/t/demo-fr/agenda/book", data={
        "csrf": csrf_of(form), "agenda": "martin", "at": "2026-11-18T10:00",
        "type": "detartrage", "name": "Jean"})
    assert refused.status_code == 409 and "non réservé" in html.unescape(refused.text)


def test_every_free_cell_of_the_page_books_through_the_form(
        client: TestClient, session: Session, clock: FixedClock, engine: Engine,
        booked: tuple[int, int]) -> None:
    """The demo practice's week for a cleaning (60 minutes and 10 of buffer), with a
    cleaning booked with Dr Martin and a busy time in Sam Lee's calendar: each cell the
    page shows free books through the form (then is cancelled, so that each is tried on
    the week as shown); a cell shown busy is refused."""
    publish_practice(engine, DEMO_EN)
    demo_id = get_tenant(session, slug="demo").id
    assert demo_id is not None
    martin = agendas.get_agenda(session, tenant_id=demo_id, slug="martin")
    lee = agendas.get_agenda(session, tenant_id=demo_id, slug="lee")
    assert martin is not None and lee is not None and lee.id is not None
    booking.book(session, agenda=martin, starts_at=NOON + timedelta(days=1, hours=-3),
                 now=clock(), caller_name="Linus", kind=free_times.Kind("cleaning", 60, 10))
    session.add(ExternalBusy(agenda_id=lee.id, uid="x", starts_at=NOON + timedelta(
        days=1, hours=2), ends_at=NOON + timedelta(days=1, hours=3)))  # Wed 14:00-15:00
    session.commit()
    page = client.get("/admin/t/demo/agenda?week=2026-11-18&type=cleaning").text
    csrf = csrf_of(page)
    links = [parse_qs(urlsplit(html.unescape(href)).query) for href in re.findall(
        r'class="book-slot" href="([^"]+)"', page)]
    assert len(links) > 100
    assert {"agenda": ["martin"], "at": ["2026-11-18T10:00"], "type": ["cleaning"]} \
        not in links  # within the cleaning's buffer
    for query in links:
        assert query["type"] == ["cleaning"] and query["agenda"] != ["okafor"]
        done = client.post("/admin/t/demo/agenda/book", data={
            "csrf": csrf, "agenda": query["agenda"][0], "at": query["at"][0],
            "type": "cleaning", "name": "Try"}, follow_redirects=False)
        assert done.status_code == 303, (query, done.text[-300:])
        appointment = done.headers["location"].split("?")[0]
        assert client.post(f"{appointment}/cancel", data={"csrf": csrf, "confirm": "yes"},
                           follow_redirects=False).status_code == 303
    labels = _cell_labels(page)
    for at in ("14:00", "14:30"):
        assert f"Busy in their calendar, Wednesday 18 November {at}, Sam Lee, our " \
               "hygienist" in labels
        refused = client.post("/admin/t/demo/agenda/book", data={
            "csrf": csrf, "agenda": "lee", "at": f"2026-11-18T{at}", "type": "cleaning",
            "name": "Try"})
        assert refused.status_code == 409, at
