"""What each calendar cell shows: classes, accessible names in both languages (marks
never leak, a field holding marks or braces stays as typed), the links of free and
booked cells (a week built by hand: no database)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from receptionist.admin.calendar_cells import CellWords, rows
from receptionist.appointments.models import Agenda
from receptionist.appointments.week_grid import Booked, Cell, Column, Row, Week

PARIS = ZoneInfo("Europe/Paris")


def _week(cells: list[Cell]) -> Week:
    agendas = [Agenda(slug="martin", name="Dr {who} Martin", timezone="Europe/Paris",
                      weekly_hours="{}", feed_token="a", tenant_id=1),
               Agenda(slug="lee", name="Sam Lee", timezone="Europe/Paris",
                      weekly_hours="{}", feed_token="b", tenant_id=1)]
    return Week(days=[date(2026, 12, 7)], columns=[Column(a) for a in agendas],
                row_minutes=30, rows=[Row(time(10), [cells])], today=date(2026, 12, 7),
                tz=PARIS)


def _cells(html: str) -> list[str]:
    return re.findall(r"<td.*?</td>", html)


def test_cells_in_french_and_in_english() -> None:
    at = datetime(2026, 12, 7, 10, tzinfo=PARIS)
    booked = Booked(7, 1, int(at.timestamp()), int(at.timestamp()) + 3600, "detartrage",
                    "", "+33612345678")
    week = _week([Cell("free", at, 0, free_at=at, now_tenth=3),
                  Cell("booked", at, 1, appointment=booked, starting=(booked,))])
    [row] = rows(week, CellWords("fr", "un détartrage"), slug="demo-fr",
                 type_id="detartrage", days=["lundi 7 décembre"],
                 type_names={"detartrage": "un <détartrage>"})
    free, taken = _cells(row.cells)
    assert row.at == "10:00"
    assert free == (
        '<td class="cell free now n3 first"><a class="book-slot" href="/admin/t/demo-fr/'
        'agenda/book?agenda=martin&amp;at=2026-12-07T10:00&amp;type=detartrage" '
        'aria-label="Libre, lundi 7 décembre 10:00, Dr {who} Martin">10:00</a></td>')
    assert taken == (
        '<td class="cell booked"><a class="appointment-link" data-appointment-id="7" '
        'href="/admin/t/demo-fr/appointments/7" aria-label="10:00 un &lt;détartrage&gt; · '
        '+33612345678, réservé jusqu’à 11:00, lundi 7 décembre, Sam Lee"><strong>10:00'
        '</strong> un &lt;détartrage&gt; · +33612345678</a></td>')
    english = CellWords("en", "a cleaning")
    assert english.said("unoffered", day="Monday 7 December", time="10:00",
                        who="Dr Okafor") == (
        "Not bookable (does not offer a cleaning), Monday 7 December 10:00, Dr Okafor")
    # A value holding a mark or braces is written as it is, never filled again.
    assert english.said("past", day="\ue000who\ue000", time="{time}", who="x") == \
        "Past, \ue000who\ue000 {time}, x"


def test_cells_that_are_not_links_carry_their_own_name() -> None:
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC).astimezone(PARIS)
    booked = Booked(9, 1, int(at.timestamp()) - 1800, int(at.timestamp()) + 600, "", "Ada",
                    "")
    week = _week([Cell("booked", at, 0, appointment=booked),
                  Cell("unavailable", at, 1, reason="no_room")])
    [row] = rows(week, CellWords("en", "one slot"), slug="demo", type_id="",
                 days=["Monday 7 December"], type_names={})
    assert _cells(row.cells) == [
        '<td class="cell booked first" aria-label="Booked, Monday 7 December 10:00, '
        'Dr {who} Martin" data-appointment-id="9"></td>',
        '<td class="cell unavailable" aria-label="Not bookable (too close to an '
        'appointment, a busy time or the closing), Monday 7 December 10:00, Sam Lee"></td>']
