"""Finding 9: owners' email HTML was built with f-strings (`<pre>{text}</pre>`) while caller
IDs and transcripts may hold `<`. The HTML part is rendered from autoescaped templates."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from receptionist.config import Settings
from receptionist.messages.models import Message, TranscriptStatus
from receptionist.notifications import email_html
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.conftest import DEMO_EN
from tests.notifications.receivers import Mailbox
from tests.twilio_sim import TestTwilioSim

CALLER_ID = "<img src=x onerror=alert(1)>"
TRANSCRIPT = "call me back </li><script>steal()</script>"


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{mailbox.port}"})


def test_caller_supplied_text_is_never_markup() -> None:
    html = email_html.summary([f"Call from {CALLER_ID}", TRANSCRIPT])
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<pre>&lt;b&gt;digest&lt;/b&gt;</pre>" in email_html.plain("<b>digest</b>")


def test_a_summary_email_of_a_hostile_caller(sim: TestTwilioSim, session: Session,
                                             runtime: Runtime, mailbox: Mailbox) -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    notifications.add_channel(session, tenant_id=tenant.id, channel="email",
                              target="owner@demo.test")
    session.commit()
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(3)], from_=CALLER_ID)
    for message in session.execute(select(Message)).scalars():
        message.transcript, message.transcript_status = TRANSCRIPT, TranscriptStatus.done
        session.add(message)
    session.commit()
    assert deliver_due(runtime) == 1
    [mail] = mailbox.messages
    html = mail.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "<img" not in content and "<script>" not in content
    assert "&lt;script&gt;steal()&lt;/script&gt;" in content
