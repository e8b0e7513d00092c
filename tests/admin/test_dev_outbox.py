"""The dev outbox page: in dev mode, what the business sent (owners' call summaries,
callers' confirmations), newest first, in the reader's language; absent in production."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from receptionist.config import Settings
from receptionist.notifications import email
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import HangUp, LeaveMessage, Press
from tests.admin.helpers import create_accounts, login
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio_sim import TestTwilioSim

OWNER_MOBILE = "+15557654321"


@pytest.fixture
def dev(settings: Settings) -> Settings:
    """Dev mode without SMTP_URL (Twilio's REST API is the tests' fake one)."""
    return settings.model_copy(update={"receptionist_env": "dev", "smtp_url": ""})


@pytest.fixture
def dev_client(dev: Settings, runtime: Runtime) -> TestClient:
    from receptionist.main import create_app

    runtime.settings = dev
    return TestClient(create_app(dev, runtime=runtime))


def _channels(session: Session) -> None:
    for slug in ("demo", "demo-fr"):
        tenant = get_tenant(session, slug=slug)
        assert tenant.id is not None
        notifications.add_channel(session, tenant_id=tenant.id, channel="email",
                                  target=f"owner@{slug}.test")
        notifications.add_channel(session, tenant_id=tenant.id, channel="sms",
                                  target=OWNER_MOBILE, events=("call_summary",))
    create_accounts(session)


def test_the_outbox_lists_the_summaries_sent_newest_first(
        dev_client: TestClient, sim: TestTwilioSim, session: Session, runtime: Runtime,
        clock: FixedClock) -> None:
    _channels(session)
    sim.http = dev_client
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)], from_="+15550001111")
    clock.now += timedelta(minutes=10)  # past the wait for the transcript
    sim.call(DEMO_EN, [Press("3"), HangUp()], from_="+15550002222")
    clock.now += timedelta(minutes=10)
    assert deliver_due(runtime) == 4
    rows = session.exec(select(OutboxItem).where(OutboxItem.channel == "email")).all()
    # Dev mode without SMTP_URL: an e-mail is kept for this page, not sent.
    assert {(r.status, r.provider_id) for r in rows} == {
        (OutboxStatus.sent, email.DEV_OUTBOX)}
    login(dev_client, "owner@demo.test")
    page = dev_client.get("/admin/t/demo/dev/outbox")
    assert page.status_code == 200
    html = page.text
    assert "Outbox (dev mode)" in html and 'href="/admin/t/demo/dev/outbox"' in html
    assert html.count("Call summary to the owner") == 4
    assert "to owner@demo.test" in html and f"to {OWNER_MOBILE}" in html
    # Newest first: the second caller's summaries before the first's.
    assert html.index("+15550002222") < html.index("+15550001111")
    assert "/admin/t/demo/calls/" in html  # each summary links to its call
    assert "owner@demo-fr.test" not in html  # another business's outbox


def test_the_outbox_reads_in_french(dev_client: TestClient, sim: TestTwilioSim,
                                    session: Session, runtime: Runtime,
                                    clock: FixedClock) -> None:
    _channels(session)
    sim.http = dev_client
    sim.call(DEMO_FR, [Press("2"), LeaveMessage(5)], from_="+33600000001")
    clock.now += timedelta(minutes=10)
    assert deliver_due(runtime) == 2
    login(dev_client, "owner@demo-fr.test")
    html = dev_client.get("/admin/t/demo-fr/dev/outbox").text
    assert "Envois (mode dev)" in html and "Résumé d’appel au propriétaire" in html
    assert "envoyé" in html and "Call summary" not in html


def test_an_empty_outbox_says_what_will_appear(dev_client: TestClient,
                                               session: Session) -> None:
    create_accounts(session)
    login(dev_client, "owner@demo.test")
    html = dev_client.get("/admin/t/demo/dev/outbox").text
    assert "Nothing sent yet" in html


def test_no_outbox_page_in_production(client: TestClient, session: Session) -> None:
    create_accounts(session)
    login(client, "owner@demo.test")
    assert client.get("/admin/t/demo/dev/outbox").status_code == 404
    assert "/dev/outbox" not in client.get("/admin/t/demo/inbox").text


def test_another_business_outbox_is_refused(dev_client: TestClient,
                                            session: Session) -> None:
    create_accounts(session)
    login(dev_client, "owner@demo.test")
    assert dev_client.get("/admin/t/demo-fr/dev/outbox").status_code in (403, 404)
