"""Busy times from a published iCalendar feed, served by a real loopback HTTP server:
recurring events with an exception and a moved occurrence, other time zones, all-day and
"free" events; ETag and unchanged feeds; redirects, size and address refusals.

The demo agenda is New York, Mon-Fri 09:00-18:00, 30-minute slots; the clock is Tuesday
2026-11-17 10:00 in New York."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session

from receptionist.appointments import agendas, busy_feed, caldav_sync, free_times
from receptionist.appointments.models import Agenda
from receptionist.outbound import Policy
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from tests.appointments.demo_agenda import main_agenda
from tests.conftest import FixedClock

FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-TIMEZONE:America/Chicago
BEGIN:VTIMEZONE
TZID:America/Chicago
BEGIN:STANDARD
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0600
TZNAME:CST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0600
TZOFFSETTO:-0500
TZNAME:CDT
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:team-meeting@google.com
DTSTAMP:20261101T120000Z
DTSTART;TZID=America/Chicago:20261103T120000
DTEND;TZID=America/Chicago:20261103T130000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=America/Chicago:20261124T120000
SUMMARY:Team meeting
END:VEVENT
BEGIN:VEVENT
UID:team-meeting@google.com
DTSTAMP:20261101T120000Z
RECURRENCE-ID;TZID=America/Chicago:20261201T120000
DTSTART;TZID=America/Chicago:20261201T150000
DTEND;TZID=America/Chicago:20261201T160000
SUMMARY:Team meeting (moved)
END:VEVENT
BEGIN:VEVENT
UID:conference@google.com
DTSTAMP:20261101T120000Z
DTSTART;VALUE=DATE:20261119
DTEND;VALUE=DATE:20261120
SUMMARY:Dental conference
END:VEVENT
BEGIN:VEVENT
UID:maybe@google.com
DTSTAMP:20261101T120000Z
DTSTART:20261118T150000Z
DTEND:20261118T160000Z
TRANSP:TRANSPARENT
SUMMARY:Free: read the newsletter
END:VEVENT
BEGIN:VEVENT
UID:supplier@google.com
DTSTAMP:20261101T120000Z
DTSTART:20261120T150000Z
DTEND:20261120T160000Z
SUMMARY:Supplier call
END:VEVENT
END:VCALENDAR
"""


@dataclass
class FeedServer:
    """What the loopback server serves, and what it was asked."""

    body: bytes = FEED.encode()
    etag: str = '"v1"'
    requests: list[str] = field(default_factory=list)
    not_modified: int = 0
    port: int = 0

    def url(self, path: str = "/basic.ics") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/basic.ics")
                self.end_headers()
                return
            if self.path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
                return
            if self.path == "/private":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data")
                self.end_headers()
                return
            if state.etag and self.headers.get("If-None-Match") == state.etag:
                state.not_modified += 1
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(state.body)))
            if state.etag:
                self.send_header("ETag", state.etag)
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _link(session: Session, runtime: Runtime, url: str) -> Agenda:
    agenda = main_agenda(session)
    agenda.busy_feed_url = seal(runtime.settings.secret_key, url)
    agendas.calendar_linked(session, agenda=agenda, now=runtime.clock())
    session.commit()
    return agenda


def _free_at(session: Session, agenda: Agenda, clock: FixedClock, *moments: datetime
             ) -> list[bool]:
    return [moment in free_times.available(session, agenda, now=clock(), start=moment,
                                           end=moment + timedelta(minutes=30))
            for moment in moments]


def ny(day: int, hour: int, month: int = 11) -> datetime:
    """A time in New York as UTC (EST is UTC-5 all of this window)."""
    return datetime(2026, month, day, hour + 5, tzinfo=UTC)


def test_the_feeds_events_block_their_times(session: Session, runtime: Runtime,
                                            clock: FixedClock, feed: FeedServer) -> None:
    agenda = _link(session, runtime, feed.url())
    assert caldav_sync.pull_busy(runtime) == 1
    session.refresh(agenda)
    assert agenda.caldav_error == "" and agenda.caldav_sync_mark == 'etag:"v1"'
    # The weekly meeting, 12:00 in Chicago = 13:00 in New York, every Tuesday...
    assert _free_at(session, agenda, clock, ny(17, 13), ny(17, 12), ny(17, 14)) == [
        False, True, True]
    # ...but not the 24th (EXDATE), and on December 1st it moved to 16:00 New York.
    assert _free_at(session, agenda, clock, ny(24, 13)) == [True]
    assert _free_at(session, agenda, clock, ny(1, 13, month=12), ny(1, 16, month=12)) == [
        True, False]
    # The all-day conference takes Thursday; the "free" event blocks nothing; the UTC
    # supplier call blocks 10:00 on Friday.
    thursday = free_times.available(session, agenda, now=clock(), start=ny(19, 0),
                                    end=ny(20, 0))
    assert thursday == []
    assert _free_at(session, agenda, clock, ny(18, 10), ny(20, 10), ny(20, 11)) == [
        True, False, True]


def test_an_unchanged_feed_is_not_read_again_and_a_change_is_read_at_the_next_check(
        session: Session, runtime: Runtime, clock: FixedClock, feed: FeedServer) -> None:
    agenda = _link(session, runtime, feed.url())
    step = timedelta(seconds=caldav_sync.PULL_SECONDS)
    assert caldav_sync.pull_busy(runtime) == 1
    clock.now += step
    assert caldav_sync.pull_busy(runtime) == 0  # 304: nothing read
    assert feed.not_modified == 1
    # The owner moves the supplier call to 11:00 New York; the feed changes.
    feed.body = FEED.replace("DTSTART:20261120T150000Z\nDTEND:20261120T160000Z",
                             "DTSTART:20261120T160000Z\nDTEND:20261120T170000Z").encode()
    feed.etag = '"v2"'
    clock.now += step
    assert caldav_sync.pull_busy(runtime) == 1
    session.refresh(agenda)
    assert _free_at(session, agenda, clock, ny(20, 10), ny(20, 11)) == [True, False]


def test_a_feed_without_etag_is_compared_by_its_content(
        session: Session, runtime: Runtime, clock: FixedClock, feed: FeedServer) -> None:
    feed.etag = ""
    agenda = _link(session, runtime, feed.url())
    assert caldav_sync.pull_busy(runtime) == 1
    session.refresh(agenda)
    assert agenda.caldav_sync_mark.startswith("sha256:")
    clock.now += timedelta(seconds=caldav_sync.PULL_SECONDS)
    assert caldav_sync.pull_busy(runtime) == 0  # same content: not parsed again
    assert len(feed.requests) == 2


def test_redirects_are_followed_within_policy(feed: FeedServer) -> None:
    loopback = Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),))
    found = busy_feed.fetch(feed.url("/moved"), policy=loopback)
    assert found.text is not None and "Team meeting" in found.text
    with pytest.raises(busy_feed.FeedError, match="redirects"):
        busy_feed.fetch(feed.url("/loop"), policy=loopback)
    with pytest.raises(busy_feed.FeedError, match="refused"):
        busy_feed.fetch(feed.url("/private"), policy=loopback)  # into cloud metadata
    with pytest.raises(busy_feed.FeedError, match="refused"):
        busy_feed.fetch(feed.url(), policy=Policy())  # loopback itself, by default


def test_bad_feeds_keep_the_last_busy_times_and_say_why(
        session: Session, runtime: Runtime, clock: FixedClock, feed: FeedServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    agenda = _link(session, runtime, feed.url())
    assert caldav_sync.pull_busy(runtime) == 1
    for body, reason in ((b"<html>not a calendar</html>", "not an iCalendar feed"),
                         (b"x" * 200, "larger than")):
        monkeypatch.setattr(busy_feed, "MAX_FEED_BYTES", 100)
        feed.body, feed.etag = body, ""
        clock.now += timedelta(seconds=caldav_sync.PULL_SECONDS)
        assert caldav_sync.pull_busy(runtime) == 0
        session.refresh(agenda)
        assert reason in agenda.caldav_error
        # The supplier call read earlier still blocks Friday 10:00.
        assert _free_at(session, agenda, clock, ny(20, 10)) == [False]


def test_webcal_addresses_are_https() -> None:
    assert busy_feed.feed_url(" webcal://p52-caldav.icloud.com/published/2/abc ") == (
        "https://p52-caldav.icloud.com/published/2/abc")
    assert busy_feed.feed_url("https://x.example/a.ics") == "https://x.example/a.ics"
