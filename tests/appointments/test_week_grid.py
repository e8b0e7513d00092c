"""The combined week of a practice: a column per agenda, closed / free / past / busy /
booked cells (the demo business with a second agenda; the clock is Tuesday 2026-11-17
10:00 in New York)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from receptionist.appointments import agendas, booking, free_times, week_grid
from receptionist.appointments.models import ExternalBusy
from receptionist.tenants.service import get_tenant
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import FixedClock


def test_the_week_of_two_agendas(session: Session, clock: FixedClock) -> None:
    main = main_agenda(session)
    tenant = get_tenant(session, slug="demo")
    okafor = agendas.create_agenda(session, tenant=tenant, slug="adeyemi", name="Adeyemi",
                                   weekly_hours={"tue": ["08:00-13:00"]})
    booking.book(session, agenda=main, starts_at=NOON, now=clock(),
                 kind=free_times.Kind("cleaning", 60, 10), caller_name="Ada")
    assert okafor.id is not None
    session.add(ExternalBusy(agenda_id=okafor.id, uid="e", starts_at=NOON - timedelta(hours=1),
                             ends_at=NOON - timedelta(minutes=30)))
    session.flush()
    days = week_grid.week(session, [main, okafor], date(2026, 11, 16), clock())
    assert [d.day.isoformat() for d in days][:2] == ["2026-11-16", "2026-11-17"]
    tuesday = {row.at: [c.state for c in row.cells] for row in days[1].rows}
    assert min(tuesday) == time(8) and max(tuesday) == time(17, 30)  # 08:00 to 18:00
    assert tuesday[time(8)] == ["closed", "past"]
    assert tuesday[time(10, 30)] == ["past", "past"]  # within the hour's notice
    assert tuesday[time(11)] == ["free", "busy"]
    assert tuesday[time(12)] == ["booked", "free"] and tuesday[time(12, 30)][0] == "booked"
    assert tuesday[time(13)] == ["free", "closed"]  # the cleaning ended; Okafor is off
    noon = next(row for row in days[1].rows if row.at == time(12))
    assert noon.cells[0].starts_here and noon.cells[0].appointment is not None
    assert noon.cells[0].appointment.caller_name == "Ada"
    assert days[5].rows == [] and days[6].rows == []  # the weekend: nobody works
    assert week_grid.week(session, [], date(2026, 11, 16), clock()) == []
    assert datetime.combine(days[0].day, time(9)) < datetime(2026, 11, 17)  # Monday is past
    assert {c.state for row in days[0].rows for c in row.cells} == {"past", "closed"}
