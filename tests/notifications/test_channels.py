"""The registry of notification channels: each channel checks its targets and sends
through its own module (email to a real SMTP server, SMS through Twilio's API played
locally, a signed webhook to a real receiver); an unknown channel is refused clearly, and
an outbox row that names one is given up at once with that reason (not retried, the worker
goes on)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from types import ModuleType

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.cli import app
from receptionist.config import Settings
from receptionist.notifications import channels, email, sms, webhook
from receptionist.notifications import service as notifications
from receptionist.notifications.channel import (
    Channel,
    ChannelDeps,
    ChannelError,
    Letter,
    Send,
    UnknownChannel,
)
from receptionist.notifications.delivery import deliver_due
from receptionist.outbound import Policy
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock
from tests.notifications.receivers import Mailbox, WebhookReceiver
from tests.test_cli import cli_env, runner  # noqa: F401 - the fixture
from tests.twilio_sim import FakeTwilioApi

HOOK_SECRET = "whsec-test-0123456789"
MODULES: dict[str, ModuleType] = {"email": email, "sms": sms, "webhook": webhook}


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{mailbox.port}",
                                       "smtp_from": "receptionist@demo.test"})


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(HOOK_SECRET)
    yield receiver
    receiver.close()


def test_every_channel_is_declared_by_its_module() -> None:
    assert list(channels.CHANNELS) == ["email", "sms", "webhook"]
    for name, module in MODULES.items():
        channel = channels.channel_named(name)
        assert channel is module.CHANNEL and channel.name == name
        assert channel.check_target is module.check_target
        assert channel.prepare_send is module.prepare_send
        assert issubclass(channel.error, ChannelError)
    assert (email.CHANNEL.error, sms.CHANNEL.error, webhook.CHANNEL.error) == (
        email.EmailError, sms.SmsError, webhook.WebhookError)
    assert [name for name, c in channels.CHANNELS.items() if c.short_text] == ["sms"]
    assert [name for name, c in channels.CHANNELS.items() if c.signed] == ["webhook"]


@pytest.mark.parametrize(("name", "good", "bad", "refusal"), [
    ("email", "owner@demo.test", "Owner <owner@demo.test>", str(email.EMAIL_TARGET)),
    ("sms", "+15551234567", "555-1234", "an SMS target must be an E.164 number"),
    ("webhook", "http://127.0.0.1:9/hook", "ftp://127.0.0.1/hook",
     "a webhook target must be an http(s) URL"),
])
def test_each_channel_checks_its_targets(settings: Settings, name: str, good: str, bad: str,
                                         refusal: str) -> None:
    channel = channels.channel_named(name)
    policy = Policy.from_settings(settings)
    assert channel.check_target(good, "sealed", policy) == good
    with pytest.raises(ValueError, match=refusal.replace("(", r"\(").replace(")", r"\)")):
        channel.check_target(bad, "sealed", policy)


def test_a_webhook_needs_a_public_url_and_a_secret(settings: Settings) -> None:
    with pytest.raises(ValueError, match="signing secret"):
        webhook.check_target("http://127.0.0.1:9/hook", None, Policy.from_settings(settings))
    with pytest.raises(ValueError):  # loopback: refused by the default policy
        webhook.check_target("http://127.0.0.1:9/hook", "sealed", None)


def _item(session: Session, clock: FixedClock, channel: str, recipient: str, *,
          channel_id: int | None = None) -> OutboxItem:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    key = f"test:{channel}"
    outbox.enqueue(session, tenant_id=tenant.id, key=key, channel=channel, kind="digest",
                   recipient=recipient, sender="+15005550006", body="Your day\n2 calls",
                   now=clock(), channel_id=channel_id)
    row: OutboxItem = session.execute(select(OutboxItem).where(
        col(OutboxItem.idempotency_key) == key)).scalar_one()
    return row


def test_each_channel_sends_through_its_module(
        session: Session, runtime: Runtime, settings: Settings, clock: FixedClock,
        mailbox: Mailbox, hook: WebhookReceiver, twilio_api: FakeTwilioApi) -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    row = notifications.add_channel(session, tenant_id=tenant.id, channel="webhook",
                                    target=hook.url, secret=seal(settings.secret_key,
                                                                 HOOK_SECRET),
                                    outbound=Policy.from_settings(settings))
    letter = Letter("Your day", "Your day\n2 calls", "", {"event": "digest", "text": "hi"})
    deps: ChannelDeps = runtime
    secrets: dict[int, str] = {}
    sent = {name: channels.channel_named(name).prepare_send(
        deps, session, _item(session, clock, name, target, channel_id=row.id), letter, secrets)()
        for name, target in (("email", "owner@demo.test"), ("sms", "+15557654321"),
                             ("webhook", hook.url))}
    [mail] = mailbox.messages
    assert (mail["To"], mail["Subject"]) == ("owner@demo.test", "Your day")
    assert str(mail["Message-ID"]) == sent["email"]
    [text] = twilio_api.sms
    assert (text["To"], text["From"], text["Body"]) == (
        "+15557654321", "+15005550006", "Your day\n2 calls")
    assert sent["sms"] and sent["sms"].startswith("SM")
    assert hook.events == [{"event": "digest", "text": "hi"}] and hook.bad_signatures == 0
    assert sent["webhook"] == "HTTP 200" and row.id in secrets


def test_delivery_sends_through_the_registered_channel(
        session: Session, runtime: Runtime, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Delivery knows no channel by name: what the registry holds is what it runs."""
    seen: list[tuple[str, str]] = []

    def prepare(deps: ChannelDeps, session: Session, item: OutboxItem, letter: Letter,
                secrets: dict[int, str]) -> Send:
        def send() -> str:
            seen.append((item.recipient, letter.subject))
            return "pigeon-1"
        return send

    monkeypatch.setitem(channels.CHANNELS, "pigeon", replace(
        sms.CHANNEL, name="pigeon", prepare_send=prepare, short_text=False))
    _item(session, clock, "pigeon", "the loft")
    session.commit()
    assert deliver_due(runtime) == 1
    assert seen == [("the loft", "Your day")]
    session.expire_all()
    [row] = session.execute(select(OutboxItem)).scalars()
    assert (row.status, row.provider_id) == (OutboxStatus.sent, "pigeon-1")


def test_an_unknown_channel_gets_a_clear_error(session: Session) -> None:
    with pytest.raises(UnknownChannel) as unknown:
        channels.channel_named("fax")
    assert unknown.value.permanent and unknown.value.name == "fax"
    assert str(unknown.value) == ("unknown notification channel 'fax' "
                                  "(known: email, sms, webhook)")
    assert not isinstance(unknown.value, (email.EmailError, sms.SmsError,
                                          webhook.WebhookError))
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    with pytest.raises(ValueError, match="channel must be one of email, sms, webhook"):
        notifications.add_channel(session, tenant_id=tenant.id, channel="fax",
                                  target="+15551230000")


def test_a_row_with_an_unknown_channel_is_given_up_with_the_reason(
        session: Session, runtime: Runtime, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    """Neither retried forever nor a crash of the worker: the other rows still go out."""
    _item(session, clock, "fax", "+15551230000")
    _item(session, clock, "sms", "+15551230000")
    session.commit()
    assert deliver_due(runtime) == 1
    clock.now += timedelta(days=2)
    assert deliver_due(runtime) == 0
    session.expire_all()
    rows = {row.channel: row for row in session.execute(
        select(OutboxItem).order_by(col(OutboxItem.id))).scalars()}
    fax = rows["fax"]
    assert (fax.status, fax.attempts) == (OutboxStatus.failed, 1)
    assert fax.last_error == ("unknown notification channel 'fax' "
                              "(known: email, sms, webhook)")
    assert rows["sms"].status == OutboxStatus.sent and len(twilio_api.sms) == 1


def test_every_channel_error_is_a_channel_error() -> None:
    for module, error in ((email, email.EmailError), (sms, sms.SmsError),
                          (webhook, webhook.WebhookError)):
        failure = error("refused", permanent=True)
        assert isinstance(failure, ChannelError) and failure.permanent
        assert module.CHANNEL.error is error
    assert isinstance(channels.CHANNELS["email"], Channel)


@pytest.mark.usefixtures("cli_env")
def test_only_a_signed_channel_gets_a_secret_from_the_cli() -> None:
    hooked = runner.invoke(app, ["notify", "add", "--tenant", "demo", "--channel", "webhook",
                                 "--to", "http://127.0.0.1:9/hook"])
    assert hooked.exit_code == 0, hooked.output
    assert "signing secret (keep it for the receiver; shown once):" in hooked.output
    texted = runner.invoke(app, ["notify", "add", "--tenant", "demo", "--channel", "sms",
                                 "--to", "+15551234567"])
    assert texted.exit_code == 0 and "signing secret" not in texted.output
