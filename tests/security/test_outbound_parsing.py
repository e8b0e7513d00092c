"""Finding 1 (SSRF with a backslash): `http://127.0.0.1:PORT\\@8.8.8.8/x` passed the outbound
check (urllib reads the host 8.8.8.8, a public address) while the webhook client (urllib3)
connected to 127.0.0.1:PORT: a signed call summary reached an internal canary. The URL is
now read once, the way the HTTP clients read it; backslashes, user info, spaces and
control characters, and anything the parsers disagree on are refused, when saved (admin,
CLI, service) and at each use (webhook delivery, CalDAV, feeds)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from receptionist.appointments import busy_feed, caldav_sync
from receptionist.cli import app
from receptionist.config import Settings, get_settings
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.notifications.models import NotificationChannel
from receptionist.outbound import OutboundRefused, Policy
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from receptionist.tenants.service import get_tenant
from tests.admin.helpers import csrf_of, login
from tests.appointments.demo_agenda import main_agenda
from tests.conftest import PUBLIC_ADDRESS, FixedClock, resolving
from tests.security.canary import Answer, Server, answering, canary
from tests.security.conftest import OWNER

# A name the tests' resolver gives a public address (the system's resolver knows none:
# nothing leaves the machine, even with the old code).
PUBLIC_NAME = "public.invalid"
PUBLIC = {"hooks.example.com": PUBLIC_ADDRESS, "bücher.example": PUBLIC_ADDRESS,
          "xn--bcher-kva.example": PUBLIC_ADDRESS, PUBLIC_NAME: PUBLIC_ADDRESS}
SECRET = "secret-0123456789"
runner = CliRunner()


def backslash(port: int, public: str = "8.8.8.8") -> str:
    """What the attacker typed: urllib sees `public`, urllib3 and requests 127.0.0.1."""
    return f"http://127.0.0.1:{port}\\@{public}/x"


@pytest.fixture
def internal() -> Iterator[Server]:
    with canary() as server:
        yield server


# Each is refused whatever its host resolves to (all public here).
AMBIGUOUS = {
    "http://127.0.0.1:8615\\@8.8.8.8/x": "backslash",
    "http://hooks.example.com\\x": "backslash",
    "http://user:pass@hooks.example.com/": "user name or password",
    "http://hooks.example.com:80@8.8.8.8/": "user name or password",
    "http://a@b@8.8.8.8/": "user name or password",
    "http://hooks.example.com%2f@8.8.8.8/": "user name or password",
    "http://hooks.example.com/\tx": "control character",
    "http://hooks.example.com/x\x00": "control character",
    "http://hooks.example.com/\u200bx": "control character",
    "http://hooks.example.com /": "space",
    "http://ho%6fks.example.com/": "percent signs",
    "http://127.1/": "four numbers",
    "http://2130706433/": "four numbers",
    "http://0x7f.1/": "four numbers",
    "http://0177.0.0.1/": "not a valid URL",
    "http://[fe80::1%25eth0]/": "zone",
    "http://hooks.example.com:0/": "not a port",
    "http://hooks.example.com:99999/": "not a port",
    "http:/hooks.example.com/": "http:// or https://",
    "file:///etc/passwd": "http:// or https://",
}


@pytest.mark.parametrize(("url", "reason"), AMBIGUOUS.items())
def test_ambiguous_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(OutboundRefused, match=reason):
        Policy(resolve=resolving(PUBLIC)).check(url)


def test_the_checked_url_is_normalised() -> None:
    """What is checked is what is requested: callers use the URL `check` returns."""
    policy = Policy(resolve=resolving(PUBLIC))
    assert policy.check("  HTTPS://Hooks.Example.COM:443/a%20b?c=ü#frag ") == (
        "https://hooks.example.com/a%20b?c=%C3%BC")
    assert policy.check("https://Bücher.example/cal/") == "https://xn--bcher-kva.example/cal/"


@pytest.mark.usefixtures("accounts")
def test_owner_cannot_save_a_backslash_webhook(client: TestClient, runtime: Runtime,
                                               session: Session, internal: Server) -> None:
    runtime.outbound = Policy()  # production: nothing internal allowed
    assert login(client, OWNER)[0] == 200
    csrf = csrf_of(client.get("/admin/t/demo/settings").text)
    for form, data in (("channels", {"channel": "webhook", "target": backslash(internal.port),
                                     "summaries": "true"}),
                       ("agendas/main/caldav", {"url": backslash(internal.port),
                                                "username": "u", "password": "p"}),
                       ("agendas/main/feed", {"url": backslash(internal.port)})):
        answer = client.post(f"/admin/t/demo/settings/{form}", data={"csrf": csrf, **data})
        assert answer.status_code == 400, form
        assert "backslash" in answer.text
    assert session.execute(select(NotificationChannel)).first() is None
    agenda = main_agenda(session)
    assert agenda.caldav_url is None and agenda.busy_feed_url is None
    assert internal.seen == []


def test_the_service_refuses_a_backslash_webhook(session: Session) -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    with pytest.raises(OutboundRefused, match="backslash"):
        notifications.add_channel(session, tenant_id=tenant.id, channel="webhook",
                                  target=backslash(8615), secret="sealed", outbound=Policy())


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine
            ) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("RECEPTIONIST_ENV", "dev")  # loopback allowed: still refused
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_the_cli_refuses_backslash_urls(internal: Server) -> None:
    url = backslash(internal.port)
    for command in (["notify", "add", "--tenant", "demo", "--channel", "webhook", "--to", url],
                    ["agenda", "link", "--tenant", "demo", "--url", url, "--username", "u",
                     "--password", "p"],
                    ["agenda", "link-feed", "--tenant", "demo", "--url", url]):
        refused = runner.invoke(app, command)
        assert refused.exit_code != 0, command
        assert "backslash" in refused.output, refused.output


def test_a_saved_backslash_webhook_never_reaches_the_canary(
        session: Session, runtime: Runtime, settings: Settings, clock: FixedClock,
        internal: Server) -> None:
    """A channel saved before the fix: delivery checks again and requests what it checked."""
    runtime.outbound = Policy(resolve=resolving(PUBLIC))
    url = backslash(internal.port, PUBLIC_NAME)
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    channel = NotificationChannel(tenant_id=tenant.id, channel="webhook", target=url,
                                  secret=seal(settings.secret_key, SECRET))
    session.add(channel)
    session.flush()
    outbox.enqueue(session, tenant_id=tenant.id, key="k1", channel="webhook",
                   kind="call_summary", recipient=url, body="a caller's message",
                   now=clock(), channel_id=channel.id)
    session.commit()
    delivered = deliver_due(runtime)
    assert internal.seen == []  # the old code POSTed the summary here
    assert delivered == 0
    [item] = session.execute(select(OutboxItem)).scalars().all()
    session.refresh(item)
    assert "backslash" in item.last_error
    assert item.status == OutboxStatus.pending


def test_a_saved_backslash_calendar_never_reaches_the_canary(
        session: Session, runtime: Runtime, settings: Settings, internal: Server) -> None:
    """caldav 3.6 rebuilds the URL the way urllib reads it, so it would go to the public
    host; the URL is refused all the same, before any connection."""
    runtime.outbound = Policy(resolve=resolving(PUBLIC))
    agenda = main_agenda(session)
    agenda.caldav_url, agenda.caldav_username = backslash(internal.port, PUBLIC_NAME), "u"
    agenda.caldav_password = seal(settings.secret_key, "p")
    session.add(agenda)
    session.commit()
    assert caldav_sync.pull_busy(runtime) == 0
    assert internal.seen == []
    session.refresh(agenda)
    assert "backslash" in agenda.caldav_error


def test_a_feed_redirect_with_a_backslash_is_refused(internal: Server) -> None:
    target = backslash(internal.port, PUBLIC_NAME)
    only_first = Policy(allowed=(ipaddress.ip_network("127.0.0.2/32"),),
                        resolve=resolving(PUBLIC))
    with answering(Answer(302, (("Location", target),)), host="127.0.0.2") as feed:
        with pytest.raises(busy_feed.FeedError, match="backslash"):
            busy_feed.fetch(f"{feed.base}/basic.ics", policy=only_first)
        assert feed.seen == ["GET /basic.ics"]
    assert internal.seen == []
