"""Busy times from a published, read-only iCalendar feed: the "secret address" that
Google Calendar, Outlook / Microsoft 365 and iCloud give for a calendar.

The worker fetches the feed (`caldav_sync.pull_busy`, every 30 s): a conditional GET when
the server gave an ETag (an unchanged feed answers 304, nothing is read), else the body's
SHA-256 tells whether anything changed. Recurring events are expanded over the horizon
(RRULE, RDATE, EXDATE and moved occurrences, by `recurring_ical_events`), in their own
time zones.

The URL is the owner's secret (anyone with it reads the calendar): it is stored encrypted
and never shown back. Every hop, redirects included, goes through the outbound policy:
a feed cannot lead into our own network. A feed larger than MAX_FEED_BYTES is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import httpx
import icalendar
import recurring_ical_events

from receptionist.appointments.busy_events import Busy, busy_of
from receptionist.outbound import OutboundRefused, Policy

MAX_FEED_BYTES = 5_000_000
MAX_REDIRECTS = 3
TIMEOUT_S = 15
ETAG = "etag:"


class FeedError(ValueError):
    """The feed could not be read (said to the owner as is; the last busy times stay)."""


@dataclass(frozen=True)
class Feed:
    """What a fetch found: the feed's change mark, and its text unless unchanged (304)."""

    mark: str
    text: str | None


def feed_url(typed: str) -> str:
    """The URL as calendars publish it: webcal:// is https://."""
    url = typed.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    return url


def fetch(url: str, *, policy: Policy, known_mark: str = "") -> Feed:
    """GET the feed, following at most MAX_REDIRECTS redirects, each checked by `policy`.
    With `known_mark` an ETag mark, an unchanged feed answers 304: `text` is None."""
    headers = {"Accept": "text/calendar, */*;q=0.5"}
    if known_mark.startswith(ETAG):
        headers["If-None-Match"] = known_mark[len(ETAG):]
    http = httpx.Client(timeout=TIMEOUT_S, follow_redirects=False)
    try:
        target = feed_url(url)
        for _ in range(MAX_REDIRECTS + 1):
            target = policy.check(target)  # and fetch what was checked
            with http.stream("GET", target, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    target = urljoin(target, response.headers["location"])
                    continue
                if response.status_code == 304:
                    return Feed(mark=known_mark, text=None)
                if response.status_code != 200:
                    raise FeedError(f"the feed answered HTTP {response.status_code}")
                body = _read_capped(response)
                etag = response.headers.get("etag", "")
                mark = (ETAG + etag if etag
                        else "sha256:" + hashlib.sha256(body).hexdigest())
                return Feed(mark=mark[:300], text=body.decode("utf-8", errors="replace"))
        raise FeedError(f"more than {MAX_REDIRECTS} redirects")
    except OutboundRefused as exc:
        raise FeedError(f"feed URL refused: {exc}") from None
    except httpx.HTTPError as exc:
        raise FeedError(f"the feed could not be fetched: {type(exc).__name__}") from None
    finally:
        http.close()


def _read_capped(response: httpx.Response) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FEED_BYTES:
        raise FeedError(f"the feed is larger than {MAX_FEED_BYTES} bytes")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FeedError(f"the feed is larger than {MAX_FEED_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def busy_in(text: str, *, timezone: str, now: datetime, horizon_days: int) -> list[Busy]:
    """The feed's busy times from a day ago to the end of the horizon, every recurrence
    expanded."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        raise FeedError(f"not an iCalendar feed: {exc}") from None
    start = now - timedelta(days=1)
    end = now + timedelta(days=horizon_days + 1)
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
    except (ValueError, TypeError) as exc:  # a broken RRULE, a date it cannot compare
        raise FeedError(f"the feed's events cannot be read: {exc}") from None
    return list(busy_of((e for e in events if e.name == "VEVENT"), ZoneInfo(timezone)))
