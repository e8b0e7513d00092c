"""The week calendar's cells: one time axis for every day, a column per agenda, past /
closed / busy / booked / free / not bookable (and why); and free cells are exactly what
booking accepts: every free cell of the demo practice's week books, every other cell is
refused (the clock is Tuesday 2026-11-17 10:00 in New York)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.appointments import agendas, booking, free_times, week_grid
from receptionist.appointments.models import Agenda, ExternalBusy
from receptionist.call_flows.booking import choice as booking_choice
from receptionist.call_flows.publishing import active_script
from receptionist.tenants.service import get_tenant
from tests.appointments.demo_agenda import CLEANING, NOON, main_agenda
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio.practice import publish_practice

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 11, 16)
WEEK = [MONDAY + timedelta(days=i) for i in range(7)]


def _states(grid: week_grid.Week, day: int) -> dict[time, list[str]]:
    return {row.at: [c.state for c in row.days[day]] for row in grid.rows}


def test_the_week_of_two_agendas_on_one_time_axis(session: Session, clock: FixedClock) -> None:
    main = main_agenda(session)
    tenant = get_tenant(session, slug="demo")
    other = agendas.create_agenda(session, tenant=tenant, slug="adeyemi", name="Adeyemi",
                                  weekly_hours={"tue": ["08:00-13:00"]})
    booking.book(session, agenda=main, starts_at=NOON, now=clock(), kind=CLEANING,
                 caller_name="Ada")
    assert other.id is not None
    session.add(ExternalBusy(agenda_id=other.id, uid="e", starts_at=NOON - timedelta(hours=1),
                             ends_at=NOON - timedelta(minutes=30)))
    session.flush()
    grid = week_grid.build(session, [week_grid.Column(main), week_grid.Column(other)], WEEK,
                           clock(), NEW_YORK)
    assert grid.days == WEEK and grid.row_minutes == 30 and grid.today == date(2026, 11, 17)
    # One axis for the seven days: from the earliest opening (Tuesday 08:00) to 18:00.
    assert grid.rows[0].at == time(8) and grid.rows[-1].at == time(17, 30)
    assert all(len(row.days) == 7 for row in grid.rows)
    tuesday = _states(grid, 1)
    assert tuesday[time(8)] == ["past", "past"]  # before now, open or not
    assert tuesday[time(9, 30)] == ["past", "past"]
    assert tuesday[time(10)] == ["unavailable", "unavailable"]  # now: within the notice
    assert tuesday[time(10, 30)] == ["unavailable", "unavailable"]  # within the notice
    assert tuesday[time(11)] == ["free", "busy"]
    assert tuesday[time(12)] == ["booked", "free"] and tuesday[time(12, 30)][0] == "booked"
    # The cleaning ends at 13:00 but its 10-minute buffer runs on: 13:00 is not free.
    assert tuesday[time(13)] == ["unavailable", "closed"]
    assert tuesday[time(13, 30)] == ["free", "closed"]
    cells = {row.at: row.days[1] for row in grid.rows}
    assert [c.reason for c in cells[time(10, 30)]] == ["notice", "notice"]
    assert cells[time(13)][0].reason == "no_room"
    noon = cells[time(12)][0]
    assert noon.starting and noon.starting[0].caller_name == "Ada"
    assert cells[time(12, 30)][0].starting == () and cells[time(12, 30)][0].appointment
    assert cells[time(11)][0].free_at == datetime(2026, 11, 17, 11, tzinfo=NEW_YORK)
    # The now line: the 10:00 row of today, at its start; nowhere else.
    assert [(c.at, c.now_tenth) for c in grid.cells() if c.now_tenth is not None] == [
        (datetime(2026, 11, 17, 10, tzinfo=NEW_YORK), 0)] * 2
    assert set(_states(grid, 5)[time(12)]) == {"closed"}  # Saturday: nobody works
    assert set(_states(grid, 0)[time(12)]) == {"past"}  # Monday is over
    assert _states(grid, 2)[time(8)] == ["closed", "closed"]  # Wednesday opens at 9:00


def test_a_type_sets_the_free_cells_and_who_offers_it(session: Session,
                                                      clock: FixedClock) -> None:
    main = main_agenda(session)
    clock.now = clock.now + timedelta(minutes=45)  # 10:45: halfway down its row
    booking.book(session, agenda=main, starts_at=NOON + timedelta(days=1, hours=-3),
                 now=clock(), kind=CLEANING, caller_name="Ada")  # Wednesday 09:00-10:00
    columns = [week_grid.Column(main, CLEANING),
               week_grid.Column(main, CLEANING, offered=False)]
    grid = week_grid.build(session, columns, [date(2026, 11, 17), date(2026, 11, 18)],
                           clock(), NEW_YORK)
    assert [c.now_tenth for c in grid.cells() if c.now_tenth is not None] == [5, 5]
    wednesday = _states(grid, 1)
    # A 60-minute cleaning (10 minutes' buffer) after 09:00-10:00 (+10): 10:30 is the
    # next start; the last is 17:00 (the buffer may run past closing, the cleaning not).
    assert wednesday[time(10)] == ["unavailable", "unavailable"]
    assert wednesday[time(10, 30)] == ["free", "unavailable"]
    assert wednesday[time(17)] == ["free", "unavailable"]
    assert wednesday[time(17, 30)] == ["unavailable", "unavailable"]  # would end at 18:30
    reasons = {row.at: [c.reason for c in row.days[1]] for row in grid.rows}
    assert reasons[time(17, 30)] == ["no_room", "unoffered"]
    assert reasons[time(10)] == ["no_room", "unoffered"]


def test_rows_follow_every_grid_and_appointments_outside_hours_stay(
        session: Session, clock: FixedClock) -> None:
    tenant = get_tenant(session, slug="demo")
    forty = agendas.create_agenda(session, tenant=tenant, slug="forty", name="Forty",
                                  weekly_hours={"wed": ["09:00-12:00"]}, slot_minutes=30,
                                  buffer_minutes=10)
    quarter = agendas.create_agenda(session, tenant=tenant, slug="quarter", name="Q",
                                    weekly_hours={"wed": ["08:45-10:00"]}, slot_minutes=15)
    main = main_agenda(session)
    # Booked before the hours were what they are: 07:00 on Wednesday, shown all the same.
    early = booking.book(session, agenda=main, starts_at=NOON + timedelta(days=1, hours=-3),
                         now=clock())
    early.starts_at -= timedelta(hours=2)
    early.ends_at -= timedelta(hours=2)
    session.flush()
    wednesday = [date(2026, 11, 18)]
    grid = week_grid.build(session, [week_grid.Column(forty), week_grid.Column(quarter),
                                     week_grid.Column(main)], wednesday, clock(), NEW_YORK)
    assert grid.row_minutes == 5  # 40-minute grid, a 15-minute one from 08:45: gcd
    assert grid.rows[0].at == time(7) and grid.rows[-1].at == time(17, 55)
    cells = {row.at: row.days[0] for row in grid.rows}
    assert cells[time(7)][2].state == "booked"
    assert [a.id for a in cells[time(7)][2].starting] == [early.id]
    assert [cells[time(9, 40)][0].state, cells[time(9, 45)][0].state] == [
        "free", "unavailable"]
    assert cells[time(9, 45)][0].reason == "between"
    assert [c.state for c in cells[time(8, 45)]] == ["closed", "free", "closed"]
    assert week_grid.build(session, [], wednesday, clock(), NEW_YORK).rows[0].at == time(9)


def test_the_agendas_booked_in_a_week(session: Session, clock: FixedClock) -> None:
    main = main_agenda(session)
    booking.book(session, agenda=main, starts_at=NOON, now=clock())
    start = datetime.combine(MONDAY, time(0), NEW_YORK)
    tenant_id = main.tenant_id
    assert week_grid.booked_agendas(session, tenant_id=tenant_id, start=start,
                                    end=start + timedelta(days=7)) == {main.id}
    assert week_grid.booked_agendas(session, tenant_id=tenant_id,
                                    start=start + timedelta(days=7),
                                    end=start + timedelta(days=14)) == set()


def _books(session: Session, agenda: Agenda, at: datetime, now: datetime,
           kind: free_times.Kind | None) -> bool:
    """Whether booking `at` succeeds (then undone, so each cell is tried on its own)."""
    nested = session.begin_nested()
    try:
        booking.book(session, agenda=agenda, starts_at=at, now=now, kind=kind,
                     caller_name="Try")
        return True
    except booking.BookingError:
        return False
    finally:
        nested.rollback()


@pytest.mark.parametrize("type_id", ["", "checkup", "cleaning", "consultation"])
def test_every_free_cell_books_and_every_other_cell_is_refused(
        session: Session, clock: FixedClock, engine: Engine, type_id: str) -> None:
    """The demo practice's week with a cleaning booked (a 10-minute buffer) and a busy
    time in Sam Lee's calendar: each cell the calendar shows free books through the
    booking service; booking any other cell's time is refused."""
    publish_practice(engine, DEMO_EN)
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    _, script = active_script(session, tenant=tenant)
    martin, okafor, lee = (agendas.get_agenda(session, tenant_id=tenant.id, slug=slug)
                           for slug in ("martin", "okafor", "lee"))
    assert martin is not None and okafor is not None and lee is not None and lee.id
    booking.book(session, agenda=martin, starts_at=NOON + timedelta(days=1, hours=-3),
                 now=clock(), kind=booking_choice.kind(script, "cleaning"))  # Wed 9-10
    session.add(ExternalBusy(agenda_id=lee.id, uid="dentist", starts_at=NOON + timedelta(
        days=1, hours=2), ends_at=NOON + timedelta(days=1, hours=3)))  # Wed 14-15
    session.flush()
    kind = booking_choice.kind(script, type_id) if type_id else None
    columns = [week_grid.Column(a, kind, not type_id or a.slug in booking_choice.offering(
        script, type_id)) for a in (martin, okafor, lee)]
    grid = week_grid.build(session, columns, WEEK, clock(), NEW_YORK)
    tried = {"free": 0, "other": 0}
    for cell in grid.cells():
        column = grid.columns[cell.column]
        if cell.state == "free":
            assert cell.free_at is not None
            assert _books(session, column.agenda, cell.free_at, clock(), kind), cell
            tried["free"] += 1
        elif column.offered:
            assert not _books(session, column.agenda, cell.at, clock(), kind), cell
            tried["other"] += 1
    assert tried["free"] > 50 and tried["other"] > 100
    states = {row.at: [c.state for c in row.days[2]] for row in grid.rows}  # Wednesday
    assert states[time(14)][2] == "busy" and states[time(9)][0] == "booked"
    assert states[time(10)][0] == "unavailable"  # the cleaning's buffer
