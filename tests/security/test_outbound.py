"""Finding 7: owners could make the worker call internal addresses (a webhook channel at
http://127.0.0.1:PORT was POSTed to; CalDAV URLs took any host), and recordings were
fetched with the account's credentials from whatever host a RecordingUrl named."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.messages.models import Message
from receptionist.messages.recordings import FetchError, fetch_due_recordings
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.outbound import OutboundRefused, Policy
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from receptionist.tenants.service import get_tenant
from receptionist.twilio.recording_urls import api_url
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.admin.helpers import csrf_of, login
from tests.conftest import ACCOUNT_SID, DEMO_EN, PUBLIC_ADDRESS, FixedClock, resolving
from tests.notifications.receivers import WebhookReceiver
from tests.security.conftest import OWNER
from tests.twilio_sim import TestTwilioSim

INTERNAL = ["http://127.0.0.1:8000/hook", "http://localhost/hook", "http://[::1]/hook",
            "http://10.0.0.5/hook", "http://192.168.1.1/", "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
            "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://100.100.100.200/",
            "http://224.0.0.1/", "ftp://files.example.com/", "http:///nohost"]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(OutboundRefused):
        Policy().check(url)


def test_allowed_networks_and_dev_mode(settings: Settings) -> None:
    Policy.from_settings(settings).check("http://127.0.0.1:8000/hook")  # the tests' setting
    strict = settings.model_copy(update={"outbound_allow_networks": ""})
    with pytest.raises(OutboundRefused):
        Policy.from_settings(strict).check("http://127.0.0.1:8000/hook")
    dev = strict.model_copy(update={"receptionist_env": "dev"})
    Policy.from_settings(dev).check("http://127.0.0.1:8000/hook")
    with pytest.raises(OutboundRefused):
        Policy.from_settings(dev).check("http://10.0.0.5/hook")
    lan = strict.model_copy(update={"outbound_allow_networks": "10.0.0.0/8"})
    Policy.from_settings(lan).check("http://10.0.0.5/hook")
    with pytest.raises(ValueError, match="not a network"):
        Settings(outbound_allow_networks="10.0.0.0/8, intranet")


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://169.254.169.254/"])
def test_owner_cannot_save_internal_urls(client: TestClient, runtime: Runtime, url: str) -> None:
    runtime.outbound = Policy()  # production, nothing allowed
    assert login(client, OWNER)[0] == 200
    csrf = csrf_of(client.get("/admin/t/demo/settings").text)
    hook = client.post("/admin/t/demo/settings/channels", data={
        "csrf": csrf, "channel": "webhook", "target": url, "summaries": "true"})
    assert hook.status_code == 400 and "only public addresses" in hook.text
    calendar = client.post("/admin/t/demo/settings/agendas/main/caldav", data={
        "csrf": csrf, "url": url, "username": "u", "password": "p"})
    assert "calendar URL refused" in calendar.text


def test_dns_changed_after_saving_is_refused_at_delivery(
        session: Session, runtime: Runtime, settings: Settings, clock: FixedClock) -> None:
    """Saved while the name was public; by delivery time it points to loopback."""
    hook = WebhookReceiver("secret-0123456789")
    try:
        port = hook.url.split(":")[2].split("/")[0]
        url = f"http://hooks.example.com:{port}/hook"
        tenant = get_tenant(session, slug="demo")
        assert tenant.id is not None
        channel = notifications.add_channel(
            session, tenant_id=tenant.id, channel="webhook", target=url,
            secret=seal(settings.secret_key, "secret-0123456789"),
            outbound=Policy(resolve=resolving({"hooks.example.com": PUBLIC_ADDRESS})))
        outbox.enqueue(session, tenant_id=tenant.id, key="k1", channel="webhook",
                              kind="test", recipient=url, body="hello", now=clock(),
                              channel_id=channel.id)
        session.commit()
        runtime.outbound = replace(Policy(), resolve=resolving({"hooks.example.com":
                                                                "127.0.0.1"}))
        assert deliver_due(runtime) == 0
        assert hook.events == []
        [item] = session.execute(select(OutboxItem)).scalars().all()
        session.refresh(item)
        assert "only public addresses" in item.last_error
        assert item.status == OutboxStatus.pending  # retried: the name may point back out
    finally:
        hook.close()


def test_recordings_are_fetched_only_from_twilios_api(settings: Settings) -> None:
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE{'a' * 32}"
    assert api_url(settings, "https://evil.example.net" + path) == (
        settings.twilio_api_base + path + ".wav")
    for bad in ("https://evil.example.net/steal", "https://api.twilio.com/2010-04-01/Calls"):
        with pytest.raises(FetchError):
            api_url(settings, bad)


class Catcher(ThreadingHTTPServer):
    """An attacker's server: notes every request and the credentials it carried."""

    def __init__(self) -> None:
        seen: list[str] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.headers.get("Authorization", ""))
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def test_a_forged_recording_url_never_gets_the_credentials(
        sim: TestTwilioSim, engine: Engine, settings: Settings, clock: FixedClock) -> None:
    catcher = Catcher()
    try:
        sim.call(DEMO_EN, [Press("2"), LeaveMessage(3)])
        with Session(engine) as session:
            [message] = session.execute(select(Message)).scalars().all()
            path = urlsplit(message.recording_url).path
            message.recording_url = f"http://127.0.0.1:{catcher.server_port}{path}"
            session.add(message)
            session.commit()
        # from Twilio's API:
        assert fetch_due_recordings(settings, Database(engine), now=clock(),
                                    source=TwilioRest(settings)) == 1
        assert catcher.seen == []
    finally:
        catcher.shutdown()
        catcher.server_close()
