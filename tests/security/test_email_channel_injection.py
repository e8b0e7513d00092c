"""An email channel whose address held CR/LF was saved; at send time the header raised,
the delivery job died mid-batch and the rows it had already sent were sent again (four
copies of one idempotency key were seen). Now an address is checked when a channel is
saved and again when it is sent, each outbox row is delivered and settled on its own, and
a row is marked sent as soon as it went out."""

from __future__ import annotations

import html
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.config import Settings
from receptionist.email_address import InvalidAddress, checked_address
from receptionist.notifications import email as email_channel
from receptionist.notifications import service as notifications
from receptionist.notifications.email import EMAIL_TARGET, EmailError, send_email
from receptionist.notifications.models import NotificationChannel
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.worker import deliver_outbox_job
from tests.admin.helpers import csrf_of, login
from tests.conftest import FixedClock
from tests.notifications.receivers import Mailbox
from tests.security.conftest import OWNER

INJECTED = "owner@demo.test\r\nBcc: spy@evil.test"
HOSTILE = (
    INJECTED,
    "owner@demo.test\nBcc: spy@evil.test",
    "owner@demo.test\rspy@evil.test",
    "owner@demo.test\x0bx",
    "Owner <owner@demo.test>",  # a display name (and whatever it hides)
    "spy@evil.test <owner@demo.test>",
    "owner@demo.test, spy@evil.test",
    "owner@demo.test;spy@evil.test",
    '"spy@evil.test"@demo.test',
    "owner@@demo.test",
    "owner@demo@evil.test",
    "owner@demo",  # no domain with a dot
    "owner@-demo.test",
    "owner@demo..test",
    ".owner@demo.test",
    "own er@demo.test",
    "@demo.test",
    "owner@",
    "a" * 65 + "@demo.test",  # local part > 64
    "owner@" + "d" * 250 + ".test",  # > 254 in all
    "ownér@demo.test",
)


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{mailbox.port}"})


@pytest.mark.parametrize("address", HOSTILE)
def test_a_hostile_address_is_not_an_address(address: str) -> None:
    with pytest.raises(InvalidAddress):
        checked_address(address)


def test_plain_addresses_pass() -> None:
    for address in ("owner@demo.test", "Front.Desk+calls@cabinet-dentaire.example.fr",
                    "o'brien@mail.example.com", "x@xn--caf-dma.example"):
        assert checked_address(address) == address


@pytest.mark.parametrize("address", HOSTILE)
def test_a_channel_with_a_hostile_address_is_refused(session: Session, address: str) -> None:
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    with pytest.raises(ValueError, match="an email target must be an address such as"):
        notifications.add_channel(session, tenant_id=demo.id, channel="email", target=address)


@pytest.mark.usefixtures("accounts")
def test_the_settings_page_refuses_a_header_injection(client: TestClient,
                                                     session: Session) -> None:
    assert login(client, OWNER)[0] == 200
    page = client.get("/admin/t/demo/settings")
    response = client.post("/admin/t/demo/settings/channels", data={
        "csrf": csrf_of(page.text), "channel": "email", "target": INJECTED,
        "summaries": "true"})
    assert response.status_code == 400
    assert str(EMAIL_TARGET) in html.unescape(response.text)
    assert session.execute(select(NotificationChannel).where(
        col(NotificationChannel.channel) == "email")).first() is None


def test_the_command_line_refuses_it_too(monkeypatch: pytest.MonkeyPatch, settings: Settings,
                                        session: Session) -> None:
    from typer.testing import CliRunner

    from receptionist.cli import app
    from receptionist.config import get_settings

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("RECEPTIONIST_ENV", "dev")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["notify", "add", "--tenant", "demo", "--channel",
                                          "email", "--to", INJECTED])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0 and str(EMAIL_TARGET) in " ".join(result.output.split())
    assert session.execute(select(NotificationChannel)).first() is None


def test_the_refusal_is_told_in_french() -> None:
    assert EMAIL_TARGET.in_language("fr") == (
        "la cible d'un e-mail doit être une adresse comme owner@example.com (une seule, sans "
        "nom, espaces ni retours à la ligne)")


def test_the_sender_refuses_an_injected_recipient(settings: Settings, mailbox: Mailbox) -> None:
    with pytest.raises(EmailError) as info:
        send_email(settings, to=INJECTED, subject="s", text="t", html="<p>t</p>",
                   idempotency_key="k")
    assert info.value.permanent
    assert mailbox.messages == []


def test_a_subject_with_line_breaks_is_sent_on_one_line(settings: Settings,
                                                         mailbox: Mailbox) -> None:
    send_email(settings, to="owner@demo.test", subject="Call from Eve\r\nBcc: spy@evil.test",
               text="t", html="<p>t</p>", idempotency_key="k")
    [mail] = mailbox.messages
    assert mail["Bcc"] is None and "\n" not in str(mail["Subject"])


def _queue(session: Session, clock: FixedClock, recipients: list[str]) -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    for index, recipient in enumerate(recipients):
        # Straight into the table, as a channel saved before the check would have queued.
        outbox.enqueue(session, tenant_id=tenant.id, key=f"digest:{index}", channel="email",
                       kind="digest", recipient=recipient, body=f"Digest {index}\nno calls",
                       now=clock())
    session.commit()


def test_a_poisoned_row_does_not_resend_its_batch(session: Session, runtime: Runtime,
                                                  clock: FixedClock, mailbox: Mailbox) -> None:
    good = "owner@demo.test"
    _queue(session, clock, [good, good, good, INJECTED, good, good, good])
    for _ in range(3):  # the worker's job, as scheduled, past every lease and back-off
        deliver_outbox_job(runtime)
        clock.now += outbox.LEASE + timedelta(hours=1)
    keys = Counter(str(m["X-Receptionist-Idempotency-Key"]) for m in mailbox.messages)
    assert keys == {f"digest:{i}": 1 for i in (0, 1, 2, 4, 5, 6)}  # each good row once
    assert all(m["Bcc"] is None and "spy" not in str(m["To"]) for m in mailbox.messages)
    session.expire_all()
    rows = {row.idempotency_key: row for row in session.execute(select(OutboxItem)).scalars()}
    poisoned = rows.pop("digest:3")
    assert poisoned.status == OutboxStatus.failed and poisoned.attempts == 1
    assert "not a valid email address" in poisoned.last_error
    assert {row.status for row in rows.values()} == {OutboxStatus.sent}
    deliver_outbox_job(runtime)
    assert len(mailbox.messages) == 6  # a later run sends nothing again


def test_an_unexpected_error_fails_only_its_row(session: Session, runtime: Runtime,
                                                clock: FixedClock, mailbox: Mailbox,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a sender raises (a bug, not a known refusal) settles its own row only."""
    from receptionist.notifications import delivery

    real = send_email

    def flaky(settings: Settings, **kwargs: Any) -> str:
        if kwargs["idempotency_key"] == "digest:1":
            raise RuntimeError("boom")
        return real(settings, **kwargs)

    monkeypatch.setattr(email_channel, "send_email", flaky)
    _queue(session, clock, ["owner@demo.test"] * 3)
    assert delivery.deliver_due(runtime) == 2
    session.expire_all()
    row = session.execute(select(OutboxItem).where(
        col(OutboxItem.idempotency_key) == "digest:1")).scalar_one()
    assert (row.status, row.attempts) == (OutboxStatus.pending, 1)  # retried later
    assert "boom" in row.last_error
    clock.now += timedelta(minutes=1)
    monkeypatch.setattr(email_channel, "send_email", real)
    assert delivery.deliver_due(runtime) == 1
    assert sorted(str(m["X-Receptionist-Idempotency-Key"]) for m in mailbox.messages) == [
        "digest:0", "digest:1", "digest:2"]


def test_each_row_is_marked_sent_when_it_went_out(session: Session, runtime: Runtime,
                                                  clock: FixedClock, mailbox: Mailbox,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies after some sends has recorded each of them: nothing re-sent."""
    from receptionist.notifications import delivery

    real = send_email
    sent: list[str] = []

    def dies_after_two(settings: Settings, **kwargs: Any) -> str:
        if len(sent) == 2:
            raise SystemExit("worker killed")  # not an error any handler takes
        sent.append(kwargs["idempotency_key"])
        return real(settings, **kwargs)

    monkeypatch.setattr(email_channel, "send_email", dies_after_two)
    _queue(session, clock, ["owner@demo.test"] * 4)
    with pytest.raises(SystemExit):
        delivery.deliver_due(runtime, senders=1)
    session.expire_all()
    statuses = {row.idempotency_key: row.status
                for row in session.execute(select(OutboxItem)).scalars()}
    assert [statuses[key] for key in sent] == [OutboxStatus.sent] * 2
    monkeypatch.setattr(email_channel, "send_email", real)
    clock.now += outbox.LEASE + timedelta(seconds=1)
    assert delivery.deliver_due(runtime) == 2
    keys = Counter(str(m["X-Receptionist-Idempotency-Key"]) for m in mailbox.messages)
    assert keys == {f"digest:{i}": 1 for i in range(4)}
