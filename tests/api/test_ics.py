"""The read-only ICS feed behind an unguessable URL, parsed back with icalendar."""

from __future__ import annotations

import icalendar
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.appointments import booking
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import FixedClock


def test_feed_lists_booked_appointments(client: TestClient, session: Session,
                                        clock: FixedClock) -> None:
    agenda = main_agenda(session)
    kept = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                        caller_number="+15551234567")
    dropped = booking.book(session, agenda=agenda, starts_at=NOON.replace(hour=19),
                           now=clock())
    booking.cancel(session, appointment=dropped, agenda=agenda, now=clock())
    session.commit()
    assert len(agenda.feed_token) >= 40
    response = client.get(f"/ics/{agenda.feed_token}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == [kept.uid]
    assert events[0].decoded("dtstart") == NOON
    assert "+15551234567" in str(events[0]["description"])
    assert str(calendar["x-wr-calname"]) == "Demo Dental Clinic - Main agenda"


def test_unknown_tokens_are_404(client: TestClient, session: Session) -> None:
    token = main_agenda(session).feed_token
    assert client.get(f"/ics/{token[:-1]}x.ics").status_code == 404
    assert client.get("/ics/short.ics").status_code == 404
    # Each agenda has its own token.
    assert token != main_agenda(session, "demo-fr").feed_token
