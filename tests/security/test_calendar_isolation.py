"""Finding 3: one business's CalDAV server answering HTML instead of XML stopped every
other business's calendar checks (the library's AttributeError left the worker's loop).
Each calendar's failure is now its own agenda's sync error; the others are checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.appointments import caldav_sync
from receptionist.appointments.models import Agenda, ExternalBusy
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from tests.appointments.demo_agenda import main_agenda
from tests.appointments.radicale_server import PASSWORD, USER, Radicale, radicale
from tests.appointments.test_caldav_sync import OWNER_EVENT
from tests.security.canary import Answer, Server, answering

MAINTENANCE = Answer(200, (("Content-Type", "text/html"),),
                     b"<html><body><p>Down for maintenance <b>tonight</p></html")


@pytest.fixture
def broken() -> Iterator[Server]:
    with answering(MAINTENANCE) as server:
        yield server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Radicale]:
    with radicale(tmp_path / "radicale") as running:
        yield running


def link(session: Session, runtime: Runtime, agenda: Agenda, url: str) -> None:
    agenda.caldav_url, agenda.caldav_username = url, USER
    agenda.caldav_password = seal(runtime.settings.secret_key, PASSWORD)
    session.add(agenda)


def test_a_server_answering_html_does_not_stop_the_other_calendars(
        session: Session, runtime: Runtime, broken: Server, server: Radicale) -> None:
    first, second = sorted((main_agenda(session, "demo"), main_agenda(session, "demo-fr")),
                           key=lambda agenda: agenda.id or 0)
    link(session, runtime, first, f"{broken.base}/dav/practice/")  # checked first
    url = server.make_calendar("practice")
    server.client().calendar(url=url).save_event(OWNER_EVENT)
    link(session, runtime, second, url)
    session.commit()

    assert caldav_sync.pull_busy(runtime) == 1
    assert broken.seen  # it was asked, and answered HTML
    session.refresh(first)
    session.refresh(second)
    assert "could not be understood" in first.caldav_error
    assert second.caldav_error == "" and second.caldav_checked_at is not None
    busy = session.execute(select(col(ExternalBusy.uid)).where(
        col(ExternalBusy.agenda_id) == second.id)).scalars().all()
    assert busy == ["dentist-conference-1"]
