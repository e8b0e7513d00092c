"""Two-way sync of linked agendas with the owner's CalDAV calendar (worker jobs).

- push: each booked, moved or cancelled appointment is written there as a VEVENT under its
  stable UID (PUT again = update in place; cancel = delete). Failures back off and retry;
  after MAX_ATTEMPTS the appointment shows `failed` with the error. The booking itself is
  never touched by a sync failure.
- pull: the calendar's other events over the booking horizon are read and replace the
  agenda's `external_busy` rows, so the owner's own appointments block those times. A
  failed read keeps the previous busy times and records the error on the agenda.
  Checked every PULL_SECONDS, so an event the owner just added is not offered to a
  caller a minute later; a check asks for the calendar's change mark (its sync-token,
  else its ctag: one small PROPFIND) and reads the events again only when it changed,
  or every FULL_READ_EVERY (the horizon moves on), or when the server gives no mark.

Each calendar is its owner's server: whatever one throws (a refused address, a redirect,
HTML where XML was expected, a library error) is that agenda's or appointment's sync error,
and the others are synced all the same. Redirects are never followed: the URL checked by
the outbound policy is the only address a calendar request goes to.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from caldav import DAVClient
from caldav.elements.base import BaseElement
from caldav.elements.dav import SyncToken
from caldav.lib.error import DAVError, NotFoundError
from sqlalchemy import delete, insert, or_, select
from sqlmodel import Session, col

from receptionist.appointments import busy_feed
from receptionist.appointments.busy_events import Busy, busy_of
from receptionist.appointments.ics import calendar, vevent
from receptionist.appointments.models import (
    Agenda,
    Appointment,
    AppointmentStatus,
    ExternalBusy,
    SyncState,
)
from receptionist.config import Settings
from receptionist.db import JobDeps
from receptionist.outbound import Policy
from receptionist.secret_box import SecretError, unseal

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_S = 15
PULL_SECONDS = 30
FULL_READ_EVERY = timedelta(hours=1)
_INSERT_BUSY = insert(ExternalBusy.__table__)  # type: ignore[attr-defined]
MAX_LOCATION_SHOWN = 200
# The caldav library types its methods as "result or coroutine" (sync and async clients
# share them); we use the sync client only.
Calendar = Any


class SyncDeps(JobDeps, Protocol):
    """What calendar sync needs (the runtime provides it)."""

    @property
    def outbound(self) -> Policy: ...
    @property
    def settings(self) -> Settings: ...


class CalendarUnavailable(RuntimeError):
    pass


class CalendarRedirected(CalendarUnavailable):
    """The server answered a redirect: not followed (its target was never checked)."""


def _refuse_redirect(response: Any, **_: Any) -> None:
    """A response hook of the HTTP session (niquests, else requests, under caldav)."""
    if response.is_redirect:
        location = str(response.headers.get("location", ""))[:MAX_LOCATION_SHOWN]
        raise CalendarRedirected(
            f"the calendar server answered HTTP {response.status_code}, a redirect to "
            f"{location!r}: redirects are not followed; link the calendar at the address "
            "it points to")


@contextmanager
def open_calendar(rt: SyncDeps, agenda: Agenda) -> Iterator[Calendar]:
    if not agenda.caldav_url:
        raise CalendarUnavailable("the agenda has no calendar link")
    # OutboundRefused: a sync error, shown and retried. The normalised URL is the one used.
    url = rt.outbound.check(agenda.caldav_url)
    password = unseal(rt.settings.secret_key, agenda.caldav_password or "")
    make_client: Any = DAVClient
    client = make_client(url=url, username=agenda.caldav_username, password=password,
                         timeout=TIMEOUT_S, require_tls=False, enable_rfc6764=False)
    # No redirect is followed: the hook says why, and max_redirects = 0 makes the session
    # itself stop at the first one should the hook ever not run.
    client.session.hooks["response"].append(_refuse_redirect)
    client.session.max_redirects = 0
    try:
        yield client.calendar(url=url)
    finally:
        client.close()


# What a CalDAV server or the network usually throws. Anything else means the server's
# answer made no sense to the library (HTML where XML was expected, a broken document).
EXPECTED_ERRORS = (DAVError, OSError, ValueError, SecretError, CalendarUnavailable)


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    if not isinstance(exc, EXPECTED_ERRORS):
        text = f"the calendar server's answer could not be understood ({text})"
    return text[:1000]


def push_due(rt: SyncDeps, *, limit: int = 50) -> int:
    """Write due appointment changes to their calendars; returns how many succeeded."""
    now = rt.clock()
    done = 0
    with rt.database.session() as session:
        rows = session.execute(
            select(Appointment, Agenda).join(Agenda, col(Agenda.id) == Appointment.agenda_id)
            .where(col(Appointment.sync_state) == SyncState.pending,
                   col(Appointment.sync_next_at) <= now,
                   col(Agenda.caldav_url).is_not(None))
            .order_by(col(Appointment.sync_next_at)).limit(limit)).all()
        session.rollback()  # end the read; each result is written under the lock
        for appointment, agenda in rows:
            pushed = appointment.sequence
            try:
                with open_calendar(rt, agenda) as cal:
                    _push(cal, appointment, now)
            except Exception as exc:  # anything from the owner's server: this row's error
                log.warning("calendar sync of appointment %s failed: %s", appointment.id,
                            _error_text(exc))
                _record(rt, session, appointment, pushed, error=_error_text(exc))
                continue
            _record(rt, session, appointment, pushed, error=None)
            done += 1
    return done


def _push(cal: Calendar, appointment: Appointment, now: datetime) -> None:
    if appointment.status == AppointmentStatus.cancelled:
        # NotFoundError: never written, or already gone; the goal is reached.
        with contextlib.suppress(NotFoundError):
            cal.event_by_uid(appointment.uid).delete()
        return
    cal.save_event(calendar([vevent(appointment, stamp=now)], name="").decode())


def _record(rt: SyncDeps, session: Session, appointment: Appointment, pushed: int, *,
            error: str | None) -> None:
    """Store one push outcome, unless the appointment changed again meanwhile."""
    now = rt.clock()
    with rt.database.write_transaction(session):
        current = session.get(Appointment, appointment.id, populate_existing=True)
        if current is None or current.sequence != pushed:
            return  # changed since: its new version is pending and will be pushed
        if error is None:
            current.sync_state, current.sync_error, current.sync_next_at = (
                SyncState.synced, "", None)
        else:
            current.sync_attempts += 1
            give_up = current.sync_attempts >= MAX_ATTEMPTS
            current.sync_state = SyncState.failed if give_up else SyncState.pending
            current.sync_error = error
            current.sync_next_at = now + timedelta(
                seconds=min(30 * 2 ** (current.sync_attempts - 1), 3600))
        session.add(current)


def pull_busy(rt: SyncDeps) -> int:
    """Check the busy times of every linked agenda; returns how many calendars had their
    events read (the others answered that nothing changed)."""
    now = rt.clock()
    read = 0
    with rt.database.session() as session:
        agendas = list(session.execute(select(Agenda).where(or_(
            col(Agenda.caldav_url).is_not(None), col(Agenda.busy_feed_url).is_not(None))
        ).order_by(col(Agenda.id))).scalars())
        session.rollback()
        for agenda in agendas:
            try:
                mark, busy = (_check_calendar(rt, agenda, now) if agenda.caldav_url
                              else _check_feed(rt, agenda, now))
            except Exception as exc:  # anything from the owner's server: this agenda's error
                log.warning("reading the calendar of agenda %s failed: %s", agenda.id,
                            _error_text(exc))
                with rt.database.write_transaction(session):
                    agenda.caldav_error = _error_text(exc)
                    session.add(agenda)
                continue
            with rt.database.write_transaction(session):
                if busy is not None:
                    _replace_busy(session, agenda, busy)
                    agenda.caldav_sync_mark, agenda.caldav_read_at = mark, now
                    read += 1
                agenda.caldav_checked_at, agenda.caldav_error = now, ""
                session.add(agenda)
    return read


def _check_calendar(rt: SyncDeps, agenda: Agenda, now: datetime
                    ) -> tuple[str, list[Busy] | None]:
    """The CalDAV calendar's change mark, and its busy times if they may have changed."""
    with open_calendar(rt, agenda) as cal:
        # The mark first: a change made while the events are read shows as a new mark at
        # the next check.
        mark = change_mark(cal)
        if _unchanged(agenda, mark, now):
            return mark, None
        return mark, list(_busy_times(cal, agenda, now))


def _check_feed(rt: SyncDeps, agenda: Agenda, now: datetime) -> tuple[str, list[Busy] | None]:
    """The iCalendar feed's change mark (ETag or SHA-256), and its busy times if it
    changed or the last full read is old."""
    url = unseal(rt.settings.secret_key, agenda.busy_feed_url or "")
    recent = _unchanged(agenda, agenda.caldav_sync_mark, now)
    found = busy_feed.fetch(url, policy=rt.outbound,
                            known_mark=agenda.caldav_sync_mark if recent else "")
    if found.text is None or _unchanged(agenda, found.mark, now):
        return found.mark, None
    return found.mark, busy_feed.busy_in(found.text, timezone=agenda.timezone, now=now,
                                         horizon_days=agenda.horizon_days)


def _unchanged(agenda: Agenda, mark: str, now: datetime) -> bool:
    """The calendar's mark is the one of the last full read, and that read is recent."""
    read_at = agenda.caldav_read_at
    if not mark or mark != agenda.caldav_sync_mark or read_at is None:
        return False
    if read_at.tzinfo is None:  # SQLite gives back naive UTC
        read_at = read_at.replace(tzinfo=UTC)
    return now - read_at < FULL_READ_EVERY


def _replace_busy(session: Session, agenda: Agenda, busy: list[Busy]) -> None:
    session.execute(delete(ExternalBusy).where(col(ExternalBusy.agenda_id) == agenda.id))
    if busy:
        session.execute(_INSERT_BUSY, [
            {"agenda_id": agenda.id, "uid": uid[:300], "starts_at": start, "ends_at": end,
             "start_s": int(start.timestamp()), "end_s": int(end.timestamp()),
             "summary": text[:300]}
            for uid, start, end, text in busy])


class _GetCtag(BaseElement):
    tag: ClassVar[str] = "{http://calendarserver.org/ns/}getctag"


def change_mark(cal: Calendar) -> str:
    """The calendar collection's sync-token (RFC 6578), else its ctag (CalendarServer;
    Google, iCloud, Nextcloud and Radicale give one or both): it changes whenever any
    event does. "" when the server gives neither."""
    found = cal.get_properties([SyncToken(), _GetCtag()])
    value = found.get(SyncToken.tag) or found.get(_GetCtag.tag) or ""
    return str(value)[:300]


def _busy_times(cal: Calendar, agenda: Agenda, now: datetime) -> Iterator[Busy]:
    """(uid, start, end, summary) of the calendar's events that are not ours, over the
    horizon; recurring events come expanded, all-day events block whole local days."""
    end = now + timedelta(days=agenda.horizon_days + 1)
    found = cal.search(start=now - timedelta(days=1), end=end, event=True, expand=True)
    return busy_of((event.icalendar_component for event in found), ZoneInfo(agenda.timezone))
