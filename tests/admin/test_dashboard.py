"""The owner's figures from a handful of simulated calls: handled without a person
(booked, answered, message) against transferred and hung up, per request, where callers
got stuck; and the CSV exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.admin.dashboard import DAYS, Range, chosen_range, column_of
from receptionist.admin.exports import cell, to_csv
from receptionist.calls.models import Call
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import (
    DialOutcome,
    HangUp,
    LeaveMessage,
    Press,
    Speak,
    StaySilent,
)
from tests.admin.helpers import create_accounts, csrf_of, login
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio_sim import TestTwilioSim


@pytest.fixture
def accounts(session: Session) -> None:
    create_accounts(session)


def cells(html: str, table: str, row: str) -> list[str]:
    """The cells of the row headed `row` in the table of class `table`."""
    part = html[html.index(f'class="figures {table}"'):]
    part = part[:part.index("</table>")]
    found = re.search(rf'<th scope="row">{re.escape(row)}</th>(.*?)</tr>', part, re.S)
    assert found is not None, (row, part)
    return re.findall(r"<td>([^<]*)</td>", found.group(1))


# Book a check-up (1) with Dr Martin (1) at the first time offered (1), confirmed (1).
BOOK_BY_KEYS: list[Press | StaySilent] = [Press("1"), Press("1"), Press("1"), Press("1"),
                                          Press("1"), StaySilent()]


def still_going(session: Session, sid: str, started: datetime) -> None:
    """A call whose final status has not come yet."""
    demo = get_tenant(session, slug="demo")
    session.add(Call(call_sid=sid, tenant_id=demo.id, from_number="+15550000099",
                     started_at=started, status="in-progress"))
    session.commit()


@pytest.mark.usefixtures("accounts")
def test_automation_figures_match_the_calls(client: TestClient, sim: TestTwilioSim,
                                            session: Session, clock: FixedClock) -> None:
    sim.call(DEMO_EN, BOOK_BY_KEYS, from_="+15550000001")
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)], from_="+15550000002")
    sim.call(DEMO_EN, [Speak("where are you located?"), Speak("thanks, goodbye")],
             from_="+15550000003")
    sim.call(DEMO_EN, [Press("0"), DialOutcome("completed", seconds=60, key="1")],
             from_="+15550000004")
    sim.call(DEMO_EN, [Press("1"), HangUp()], from_="+15550000005")
    sim.call(DEMO_EN, [Press("7"), HangUp()], from_="+15550000006")
    # Nobody took the transfer: missed, though a message was left after it.
    sim.call(DEMO_EN, [Press("0"), DialOutcome("no-answer"), LeaveMessage(4)],
             from_="+15550000007")
    still_going(session, "CA" + "c" * 32, clock.now)
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/dashboard").text
    words = " ".join(page.split())
    assert "<strong>8</strong> calls in these days" in page  # every call, going or not
    assert cells(page, "outcomes", '<span class="swatch swatch-automated"></span> '
                 "Handled without a person") == ["3", "38"]
    assert cells(page, "outcomes", '<span class="swatch swatch-missed"></span> '
                 "Missed (nobody took the transfer)") == ["1", "12"]
    assert cells(page, "outcomes", '<span class="swatch swatch-in_progress"></span> '
                 "In progress") == ["1", "12"]
    assert "43 % of calls handled without a person" in page  # 3 of the 7 that ended
    assert "<li>1 booked</li> <li>1 answered</li> <li>1 message taken</li>" in words
    assert cells(page, "per-day", "Tue 17 Nov") == ["3", "1", "1", "2", "1", "43"]
    assert cells(page, "per-intent", "Book an appointment") == ["1", "0", "0", "1", "50"]
    assert cells(page, "per-intent", "Know where we are") == ["1", "0", "0", "0", "100"]
    assert cells(page, "per-intent", "Speak with someone") == ["0", "1", "1", "0", "0"]
    # Stuck: the wrong key at the menu, and hang-ups at the offer and at the menu.
    assert cells(page, "stuck", "Main menu") == ["1", "0", "0", "0", "1"]
    assert cells(page, "stuck", "Booking") == ["0", "0", "0", "0", "1"]
    assert "main_menu" not in page and "<td>book</td>" not in page
    # The chart: an axis with round ticks, the day's total printed above its bar.
    chart = page[page.index('<svg class="chart"'):page.index("</svg>")]
    assert re.findall(r'<text class="tick"[^>]*>(\d+)</text>', chart) == [
        "0", "2", "4", "6", "8"]
    assert '<text class="value"' in chart and ">8</text>" in chart
    # In French: the same figures in words.
    page = client.post("/admin/language", data={
        "csrf": csrf_of(page), "language": "fr", "back": "/admin/t/demo/dashboard"}).text
    assert "<strong>8</strong> appels sur ces jours" in page
    assert cells(page, "per-day", "mar. 17 nov.") == ["3", "1", "1", "2", "1", "43"]
    assert cells(page, "per-intent", "Prendre rendez-vous") == ["1", "0", "0", "1", "50"]
    assert cells(page, "stuck", "Menu principal") == ["1", "0", "0", "0", "1"]


@pytest.mark.usefixtures("accounts")
def test_the_owner_chooses_the_days(client: TestClient, session: Session,
                                    clock: FixedClock) -> None:
    for day, sid in ((1, "d"), (10, "e"), (20, "f")):
        still_going(session, "CA" + sid * 32, clock.now - timedelta(days=day))
    login(client, "owner@demo.test")
    assert "<strong>1</strong> call in these days" in client.get(
        "/admin/t/demo/dashboard?days=7").text
    assert "<strong>2</strong> calls in these days" in client.get(
        "/admin/t/demo/dashboard").text  # 14 by default
    assert "<strong>3</strong> calls in these days" in client.get(
        "/admin/t/demo/dashboard?days=30").text
    ranged = client.get("/admin/t/demo/dashboard?from=2026-11-01&to=2026-11-08").text
    assert "<strong>1</strong> call in these days" in ranged  # the 7th
    assert "From 1 Nov 2026 to 8 Nov 2026" in ranged and 'value="2026-11-01"' in ranged
    # Backwards, or longer than allowed: put in order, cut to the last 92 days.
    assert "From 1 Nov 2026 to 8 Nov 2026" in client.get(
        "/admin/t/demo/dashboard?from=2026-11-08&to=2026-11-01").text
    assert "From 18 Aug 2026 to 17 Nov 2026" in client.get(
        "/admin/t/demo/dashboard?from=2020-01-01").text
    assert client.get("/admin/t/demo/dashboard?from=yesterday").status_code == 422


def test_chosen_range() -> None:
    today = date(2026, 11, 17)
    assert chosen_range(today, 7, None, None) == Range(date(2026, 11, 11), today, 7)
    assert chosen_range(today, 9, None, None).days == DAYS  # not a choice: the default
    assert chosen_range(today, None, None, date(2026, 12, 1)).last == today  # no future
    assert chosen_range(today, None, date(2026, 11, 1), None) == Range(
        date(2026, 11, 1), today, None)


@pytest.mark.parametrize(("outcome", "ended", "column"), [
    ("booked", True, "automated"), ("cancelled", True, "automated"),
    ("moved", True, "automated"), ("missed", True, "missed"),
    ("transferred", True, "transferred"), ("abandoned", True, "abandoned"),
    ("screened", True, "screened"), (None, False, "in_progress"), (None, True, "unknown"),
    ("something new", True, "unknown")])
def test_every_call_has_a_column(outcome: str | None, ended: bool, column: str) -> None:
    assert column_of(outcome, ended) == column


@pytest.mark.usefixtures("accounts")
def test_csv_exports(client: TestClient, sim: TestTwilioSim) -> None:
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    sim.call(DEMO_EN, BOOK_BY_KEYS)
    login(client, "owner@demo.test")
    calls = client.get("/admin/t/demo/export/calls.csv")
    assert calls.status_code == 200 and calls.headers["content-type"].startswith("text/csv")
    assert 'filename="demo-calls.csv"' in calls.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(calls.text.lstrip("\ufeff"))))
    assert [r["outcome"] for r in rows] == ["message", "booked"]
    assert rows[0]["caller"] == "+15551230001" and rows[0]["started"].startswith("2026-11-17 10:")
    booked = list(csv.DictReader(io.StringIO(
        client.get("/admin/t/demo/export/appointments.csv").text.lstrip("\ufeff"))))
    assert [(r["agenda"], r["starts"], r["booked_by"]) for r in booked] == [
        ("martin", "2026-11-17 11:00:00", "phone")]
    left = client.get("/admin/t/demo/export/messages.csv").text
    assert left.splitlines()[0].lstrip("\ufeff") == "left,caller,seconds,handled,urgent,transcript"
    assert client.get("/admin/t/demo-fr/export/calls.csv").status_code == 404
    assert client.get("/admin/t/demo/export/users.csv").status_code == 422


def test_cells_that_would_be_formulas_are_text() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("UTC")
    assert cell("=HYPERLINK(\"http://evil\")", tz) == "'=HYPERLINK(\"http://evil\")"
    assert cell("@SUM(A1)", tz) == "'@SUM(A1)" and cell("-2+3", tz) == "'-2+3"
    assert cell("+15551230001", tz) == "+15551230001"  # a phone number stays one
    assert cell("+1555 cmd", tz) == "'+1555 cmd"
    assert to_csv(["a"], [["x,y\n\"z\""]], tz) == 'a\r\n"x,y\n""z"""\r\n'


@pytest.mark.usefixtures("accounts")
def test_the_fourteen_days_are_the_businesss_days(client: TestClient,
                                                  session: Session) -> None:
    """A call at 20:00 in New York the day before the window (01:00 UTC inside it) is
    not counted: the window's bounds are the business's midnights."""
    from datetime import UTC, datetime

    from receptionist.calls.events import EventFields
    from receptionist.calls.models import Call, CallEvent
    from receptionist.tenants.service import get_tenant

    demo = get_tenant(session, slug="demo")
    for sid, started in (("CA" + "a" * 32, datetime(2026, 11, 4, 1, tzinfo=UTC)),
                         ("CA" + "b" * 32, datetime(2026, 11, 4, 6, tzinfo=UTC))):
        call = Call(call_sid=sid, tenant_id=demo.id, from_number="+15550000009",
                    started_at=started, status="completed", outcome="answered",
                    first_intent="location")
        session.add(call)
        session.flush()
        assert call.id is not None
        session.add(CallEvent(call_id=call.id, at=started, step="main_menu", kind="choice",
                              fields=EventFields(intent="location", via="speech")))
    session.commit()
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/dashboard").text
    assert '<th scope="row">Know where we are</th><td>1</td>' in page  # 06:00 UTC only
    assert "<strong>1</strong> call in these days" in page
    # In French too, by the language's plural rule (1 is singular in French, 0 as well).
    page = client.post("/admin/language", data={
        "csrf": csrf_of(page), "language": "fr", "back": "/admin/t/demo/dashboard"}).text
    assert "<strong>1</strong> appel sur ces jours" in page
