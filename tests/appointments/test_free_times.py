"""Free times: the demo agenda's first day, and the first free among practitioners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from receptionist.appointments import agendas, booking, free_times
from receptionist.tenants.service import get_tenant
from tests.appointments.demo_agenda import CHECKUP, NOON, main_agenda
from tests.conftest import FixedClock


def test_demo_agenda_follows_the_script(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    assert (agenda.timezone, agenda.slot_minutes) == ("America/New_York", 30)
    first = free_times.first_day_with_slots(session, agenda, now=clock())
    assert [s.astimezone(UTC).hour for s in first] == [16, 16, 17]  # 11:00, 11:30, 12:00
    wednesday = datetime(2026, 11, 25, 15, tzinfo=UTC)  # Thanksgiving (26th) is closed
    after = free_times.first_day_with_slots(session, agenda, now=clock(), after=wednesday)
    assert after[0].date().isoformat() == "2026-11-27"


def test_the_first_available_among_practitioners(session: Session, clock: FixedClock) -> None:
    main = main_agenda(session)
    tenant = get_tenant(session, slug="demo")
    other = agendas.create_agenda(
        session, tenant=tenant, slug="adeyemi", name="Dr Adeyemi",
        weekly_hours={"tue": ["09:00-13:00"], "wed": ["09:00-13:00"]})
    taken = NOON - timedelta(hours=1)  # 11:00 at the main agenda
    booking.book(session, agenda=main, starts_at=taken, now=clock(), kind=CHECKUP)
    offered = free_times.first_day_among(session, [main, other], now=clock(), kind=CHECKUP)
    # Main has a booking today and Adeyemi none: Adeyemi takes every time it is free.
    assert [(s.astimezone(UTC).strftime("%H:%M"), a.slug) for s, a in offered] == [
        ("16:00", "adeyemi"), ("16:30", "adeyemi"), ("17:00", "adeyemi")]
    for minutes in (30, 60):  # now Adeyemi has two, main one
        booking.book(session, agenda=other, starts_at=taken + timedelta(minutes=minutes),
                     now=clock(), kind=CHECKUP)
    offered = free_times.first_day_among(session, [main, other], now=clock(), kind=CHECKUP)
    assert [(s.astimezone(UTC).strftime("%H:%M"), a.slug) for s, a in offered] == [
        ("16:00", "adeyemi"), ("16:30", "main"), ("17:00", "main")]
    # After the day of the last offer: Wednesday, whoever is free first.
    later = free_times.first_day_among(session, [other, main], now=clock(),
                                       after=offered[-1][0], kind=CHECKUP)
    assert later[0][0].date().isoformat() == "2026-11-18" and later[0][1].slug == "adeyemi"
