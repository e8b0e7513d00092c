"""Owner summaries end to end: a simulated call ends, its summary is queued in the same
transaction, and the worker delivers it to a real SMTP server (aiosmtpd), a real webhook
receiver that checks the HMAC signature, and Twilio's SMS API (played locally)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.config import Settings
from receptionist.messages.models import Message, TranscriptStatus
from receptionist.notifications import service as notifications
from receptionist.notifications import webhook
from receptionist.notifications.delivery import deliver_due
from receptionist.notifications.models import NotificationSettings
from receptionist.outbound import Policy
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.understanding.urgency import sounds_urgent
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.notifications.receivers import Mailbox, WebhookReceiver
from tests.twilio_sim import FakeTwilioApi, TestTwilioSim

HOOK_SECRET = "whsec-test-0123456789"
OWNER_MOBILE = "+15557654321"


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{mailbox.port}",
                                       "smtp_from": "receptionist@demo.test"})


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(HOOK_SECRET)
    yield receiver
    receiver.close()


@pytest.fixture
def channels(session: Session, settings: Settings, hook: WebhookReceiver) -> None:
    for slug in ("demo", "demo-fr"):
        tenant = get_tenant(session, slug=slug)
        assert tenant.id is not None
        notifications.add_channel(session, tenant_id=tenant.id, channel="email",
                                  target=f"owner@{slug}.test")
        notifications.add_channel(session, tenant_id=tenant.id, channel="webhook",
                                  target=hook.url, secret=seal(settings.secret_key, HOOK_SECRET),
                                  outbound=Policy.from_settings(settings))
        notifications.add_channel(session, tenant_id=tenant.id, channel="sms",
                                  target=OWNER_MOBILE, events=("call_summary",))
    session.commit()


def transcribe(session: Session, text: str) -> None:
    """What the worker's transcription does, with the model's urgency judgment."""
    for message in session.execute(select(Message)).scalars():
        message.transcript, message.transcript_status = text, TranscriptStatus.done
        message.urgent = sounds_urgent(text, "en-US")
        session.add(message)
    session.commit()


def outbox(session: Session) -> list[OutboxItem]:
    session.expire_all()
    return list(session.execute(select(OutboxItem).order_by(col(OutboxItem.id))).scalars())


@pytest.mark.usefixtures("channels")
def test_summary_waits_for_the_transcript_then_reaches_every_channel(
        sim: TestTwilioSim, session: Session, runtime: Runtime, clock: FixedClock,
        mailbox: Mailbox, hook: WebhookReceiver, twilio_api: FakeTwilioApi) -> None:
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(7)])
    assert [i.kind for i in outbox(session)] == ["call_summary"] * 3
    assert deliver_due(runtime) == 0  # the message is not transcribed yet
    assert {i.last_error for i in outbox(session)} == {"waiting for the message transcript"}
    transcribe(session, "Hi it's Ada, please call me back, it's urgent")
    clock.now += timedelta(seconds=21)
    assert deliver_due(runtime) == 3
    [mail] = mailbox.messages
    assert mail["Subject"] == "[URGENT] Call from +15551230001"
    assert mail["To"] == "owner@demo.test" and mail["From"] == "receptionist@demo.test"
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Demo Dental Clinic: [URGENT] Call from +15551230001 (first call)" in text
    assert "Chose: message" in text and "please call me back, it's urgent" in text
    assert "Listen: https://receptionist.example.com/admin/t/demo/messages/" in text
    assert mail.get_body(("html",)) is not None
    [event] = hook.events
    assert event["call_sid"] == call.call_sid and event["urgent"] is True
    assert event["intents"] == ["message"] and hook.bad_signatures == 0
    [sms] = twilio_api.sms
    assert sms["To"] == OWNER_MOBILE and sms["From"] == DEMO_EN and "URGENT" in sms["Body"]
    assert deliver_due(runtime) == 0 and len(mailbox.messages) == 1  # once


@pytest.mark.usefixtures("single_agenda_demos")  # book offers agenda main at once
@pytest.mark.usefixtures("channels")
def test_french_summary_of_a_booking_by_a_known_caller(
        sim: TestTwilioSim, session: Session, runtime: Runtime, mailbox: Mailbox) -> None:
    sim.call(DEMO_FR, [Press("3"), Press("2"), LeaveMessage(3)], from_="+33611111111")
    transcribe(session, "Bonjour")
    sim.call(DEMO_FR, [Press("1"), Press("1"), Press("1"), LeaveMessage(2)],
             from_="+33611111111")
    assert deliver_due(runtime) >= 6
    texts = []
    for mail in mailbox.messages:  # sent in parallel: in any order
        body = mail.get_body(("plain",))
        assert body is not None
        texts.append(body.get_content())
    [text] = [t for t in texts if "Rendez-vous pris" in t]
    assert "Cabinet Démo\u202f: Appel de +33611111111 (appelant connu, 2e appel ce mois-ci)" in text
    assert "Rendez-vous pris\u202f: mardi 17 novembre à 17 h" in text
    assert "Aucun message laissé." in text


@pytest.mark.usefixtures("channels")
def test_quiet_hours_hold_all_but_urgent(sim: TestTwilioSim, session: Session,
                                         runtime: Runtime, clock: FixedClock,
                                         mailbox: Mailbox) -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    session.add(NotificationSettings(tenant_id=tenant.id, quiet_start="09:30",
                                     quiet_end="12:00"))  # New York; it is 10:00
    session.commit()
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    transcribe(session, "Just checking your hours")
    assert deliver_due(runtime) == 0
    held = outbox(session)
    assert {i.last_error for i in held} == {"held for the quiet hours"}
    assert {i.next_attempt_at for i in held} == {clock.now + timedelta(hours=2)}
    transcribe(session, "This is an emergency")  # now it is urgent: sent despite the hour
    clock.now += timedelta(hours=2)
    assert deliver_due(runtime) == 3


@pytest.mark.usefixtures("channels")
def test_smtp_down_then_up_delivers_once(sim: TestTwilioSim, session: Session,
                                         runtime: Runtime, clock: FixedClock,
                                         mailbox: Mailbox) -> None:
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    transcribe(session, "Hello")
    mailbox.stop()
    assert deliver_due(runtime) == 2  # webhook and SMS; the email waits
    [email_row] = [i for i in outbox(session) if i.channel == "email"]
    assert email_row.status == OutboxStatus.pending and "SMTP" in email_row.last_error
    mailbox.start()
    clock.now += timedelta(seconds=31)
    assert deliver_due(runtime) == 1
    assert len(mailbox.messages) == 1


@pytest.mark.usefixtures("channels")
def test_webhook_errors_retry_or_fail_visibly(sim: TestTwilioSim, session: Session,
                                              runtime: Runtime, clock: FixedClock,
                                              hook: WebhookReceiver) -> None:
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    transcribe(session, "Hello")
    hook.replies = [500]
    deliver_due(runtime)
    [row] = [i for i in outbox(session) if i.channel == "webhook"]
    assert row.status == OutboxStatus.pending and "HTTP 500" in row.last_error
    clock.now += timedelta(seconds=31)
    assert deliver_due(runtime) == 1
    assert len(hook.events) == 1 and hook.keys == [row.idempotency_key]
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    transcribe(session, "Hello again")
    hook.replies = [410]
    deliver_due(runtime)
    gone = [i for i in outbox(session) if i.channel == "webhook"][-1]
    assert gone.status == OutboxStatus.failed and "HTTP 410" in gone.last_error


@pytest.mark.usefixtures("channels")
def test_a_webhook_that_times_out_is_retried(sim: TestTwilioSim, session: Session,
                                             runtime: Runtime, clock: FixedClock,
                                             hook: WebhookReceiver,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    patient = webhook.TIMEOUT_S
    monkeypatch.setattr(webhook, "TIMEOUT_S", 0.3)
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    transcribe(session, "Hello")
    hook.hang_after(0)  # no answer at all, however long we would wait
    deliver_due(runtime)
    [row] = [i for i in outbox(session) if i.channel == "webhook"]
    assert row.status == OutboxStatus.pending and "Timeout" in row.last_error
    hook.answer_again()
    monkeypatch.setattr(webhook, "TIMEOUT_S", patient)  # an answer comes, whenever it does
    clock.now += timedelta(seconds=31)
    assert deliver_due(runtime) == 1
    assert hook.keys == [row.idempotency_key]


@pytest.mark.usefixtures("channels")
def test_a_caller_who_booked_by_name_is_named(sim: TestTwilioSim, session: Session,
                                              runtime: Runtime, clock: FixedClock,
                                              mailbox: Mailbox) -> None:
    from receptionist.appointments import booking
    from tests.appointments.demo_agenda import NOON, main_agenda

    booking.book(session, agenda=main_agenda(session), starts_at=NOON, now=clock(),
                 caller_number="+15551230001", caller_name="Ada Lovelace", source="api")
    session.commit()
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    transcribe(session, "Hello")
    deliver_due(runtime)
    subjects = {m["Subject"] for m in mailbox.messages}
    assert "Call from Ada Lovelace (+15551230001)" in subjects


def test_each_call_ends_with_one_log_line(sim: TestTwilioSim,
                                          caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="receptionist.notifications.service"):
        call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    lines = [r for r in caplog.records if r.name == "receptionist.notifications.service"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith(f"call {call.call_sid} demo from +15551230001: "
                                            "message (")
    assert (lines[0].outcome, lines[0].tenant) == ("message", "demo")  # type: ignore[attr-defined]
