"""The owner's calls and messages in plain words over HTTP: the call log's outcomes and
lines, one call with its message and appointment linked both ways and the engine's
timeline folded away, a page per message, and the confirmations before cancelling and
blocking; in English and in French."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.appointments.models import Appointment
from receptionist.config import Settings
from receptionist.db import Database
from receptionist.messages.models import Message
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import DialOutcome, LeaveMessage, Press, StaySilent
from tests.admin.helpers import create_accounts, csrf_of, login
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio_sim import TestTwilioSim

BOOK: list[Press | StaySilent] = [*[Press("1")] * 5, StaySilent()]


@pytest.fixture(autouse=True)
def accounts(session: Session) -> None:
    create_accounts(session)


@pytest.fixture
def calls(sim: TestTwilioSim, settings: Settings, engine: Engine,
          clock: FixedClock) -> dict[str, str]:
    placed = {"booked": sim.call(DEMO_EN, BOOK, from_="+15550000001").call_sid,
              "missed": sim.call(DEMO_EN, [Press("0"), DialOutcome("no-answer"),
                                           LeaveMessage(5)], from_="+15550000002").call_sid,
              "fr": sim.call(DEMO_FR, [Press("2"), LeaveMessage(4)],
                             from_="+33612345678").call_sid}
    fetch_due_recordings(settings, Database(engine), now=clock(), source=TwilioRest(settings))
    with Session(engine) as session:
        for message in session.execute(select(Message)).scalars():
            message.transcript, message.urgent = "My tooth hurts a lot", True
            session.add(message)
        session.commit()
    return placed


def ids(engine: Engine) -> tuple[int, int, int]:
    """The demo's message, the French one, and the demo's appointment."""
    with Session(engine) as session:
        left = {m.caller: m.id for m in session.execute(select(Message)).scalars()}
        booked = session.execute(select(Appointment)).scalars().one()
        assert booked.id is not None
        return left["+15550000002"] or 0, left["+33612345678"] or 0, booked.id


def test_the_call_log_reads_as_outcomes_and_lines(client: TestClient, engine: Engine,
                                                  calls: dict[str, str]) -> None:
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/calls").text
    message, _, appointment = ids(engine)
    assert '<span class="outcome outcome-missed">Missed</span>' in page
    assert "Asked for someone: no answer, then left an urgent message" in page
    assert "Booked a check-up, Tue, Nov 17, 11:00\u202fAM with Dr Martin" in page
    assert f'href="/admin/t/demo/messages/{message}"' in page
    assert f'href="/admin/t/demo/appointments/{appointment}"' in page
    # Local times in the business's zone (10:00 in New York), not Twilio's status.
    assert "Tue, Nov 17, 10:00\u202fAM" in page and ">completed<" not in page
    assert "Block this number" not in page  # on the call's own page, with a confirmation


def test_one_call_links_its_message_and_appointment(client: TestClient, engine: Engine,
                                                    calls: dict[str, str]) -> None:
    login(client, "owner@demo.test")
    message, french, appointment = ids(engine)
    missed = client.get(f"/admin/t/demo/calls/{calls['missed']}").text
    assert "Asked for someone: no answer, then left an urgent message" in missed
    assert f'href="/admin/t/demo/messages/{message}"' in missed
    assert 'class="block secondary"' in missed
    # The engine's timeline is still there, folded under "details", in local time.
    details = missed[missed.index('<details class="engine">'):]
    assert "<summary>Details" in details and "transfer_failed" in details
    assert re.search(r"10:00:\d\d\u202fAM", details)
    booked = client.get(f"/admin/t/demo/calls/{calls['booked']}").text
    assert f'href="/admin/t/demo/appointments/{appointment}"' in booked
    # Both ways: the appointment's page links back to its call.
    back = client.get(f"/admin/t/demo/appointments/{appointment}").text
    assert f'href="/admin/t/demo/calls/{calls["booked"]}"' in back
    assert client.get(f"/admin/t/demo/calls/{calls['fr']}").status_code == 404
    assert client.get(f"/admin/t/demo/messages/{french}").status_code == 404
    assert client.get("/admin/t/demo/messages/999999").status_code == 404


def test_a_page_per_message(client: TestClient, engine: Engine,
                            calls: dict[str, str]) -> None:
    login(client, "owner@demo.test")
    message, _, _ = ids(engine)
    inbox = client.get("/admin/t/demo/inbox").text
    assert f'href="/admin/t/demo/messages/{message}"' in inbox
    page = client.get(f"/admin/t/demo/messages/{message}").text
    assert f'src="/admin/t/demo/messages/{message}/audio"' in page
    assert "My tooth hurts a lot" in page and "<strong>Urgent</strong>" in page
    assert 'href="tel:+15550000002"' in page and "Not in your contacts" in page
    assert "Message recording “Please leave your name, number and…”" in page
    assert f'href="/admin/t/demo/calls/{calls["missed"]}"' in page
    assert "Asked for someone: no answer, then left an urgent message" in page
    handled = client.post(f"/admin/t/demo/messages/{message}/handled",
                          data={"csrf": csrf_of(page), "back": "message"},
                          follow_redirects=True)
    assert handled.url.path == f"/admin/t/demo/messages/{message}"
    assert "<dd>Handled</dd>" in handled.text and "Mark as handled" not in handled.text


def test_the_same_pages_in_french(client: TestClient, engine: Engine,
                                  calls: dict[str, str]) -> None:
    login(client, "owner@demo-fr.test")
    _, french, _ = ids(engine)
    log = client.get("/admin/t/demo-fr/calls").text
    assert '<span class="outcome outcome-message">Message</span>' in log
    assert "A laissé un message urgent" in log and "mar. 17 nov., 16:00" in log
    page = client.get(f"/admin/t/demo-fr/messages/{french}").text
    assert "Message de +33612345678" in page and "<strong>Urgent</strong>" in page
    assert "Enregistrement d&#39;un message" in page and "Pas dans vos contacts" in page
    asked = client.post("/admin/t/demo-fr/contacts/block", data={
        "csrf": csrf_of(page), "number": "+33612345678", "back": "inbox"})
    assert "Bloquer le +33612345678\u202f?" in asked.text
    assert "Ne pas bloquer" in asked.text and 'href="/admin/t/demo-fr/inbox"' in asked.text
    done = client.post("/admin/t/demo-fr/contacts/block", data={
        "csrf": csrf_of(page), "number": "+33612345678", "back": "inbox", "confirm": "yes"},
        follow_redirects=True)
    assert "Le +33612345678 est bloqué." in done.text and "Débloquer (annuler)" in done.text


def test_cancelling_asks_first_in_french(client: TestClient, session: Session,
                                         engine: Engine, calls: dict[str, str]) -> None:
    login(client, "owner@demo.test")
    _, _, appointment = ids(engine)
    page = client.get(f"/admin/t/demo/appointments/{appointment}").text
    assert 'class="secondary">Cancel' in page
    page = client.post("/admin/language", data={
        "csrf": csrf_of(page), "language": "fr",
        "back": f"/admin/t/demo/appointments/{appointment}"}).text
    asked = client.post(f"/admin/t/demo/appointments/{appointment}/cancel",
                        data={"csrf": csrf_of(page)})
    assert asked.status_code == 200
    assert ("Annuler le rendez-vous de +15550000001, mar. 17 nov., 11:00 avec "
            "Dr Martin\u202f?") in asked.text
    assert "recevra un SMS" in asked.text and "Le garder" in asked.text
    assert session.get(Appointment, appointment).status == "booked"  # type: ignore[union-attr]
