"""The daily digest at the owner's local time (DST-correct), once per day and channel, and
the summary of a call whose final status never came."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.calls.models import Call
from receptionist.config import Settings
from receptionist.i18n import ngettext
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.notifications.digest import queue_due_digests
from receptionist.notifications.models import NotificationSettings
from receptionist.outbox.models import OutboxItem
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import (
    DialOutcome,
    HangUp,
    LeaveMessage,
    Press,
    ScriptedCaller,
    SimulatedCall,
)
from receptionist.worker import stale_calls_job
from tests.conftest import DEMO_EN, FixedClock
from tests.notifications.receivers import Mailbox
from tests.twilio_sim import TestTwilioSim


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{mailbox.port}"})


@pytest.fixture
def owner_email(session: Session) -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    notifications.add_channel(session, tenant_id=tenant.id, channel="email",
                              target="owner@demo.test", events=("digest", "call_summary"))
    session.add(NotificationSettings(tenant_id=tenant.id, digest_time="18:30"))
    session.commit()


def digests(session: Session) -> list[OutboxItem]:
    session.expire_all()
    return list(session.execute(select(OutboxItem).where(
        col(OutboxItem.kind) == "digest")).scalars())


@pytest.mark.usefixtures("single_agenda_demos")  # book offers agenda main at once
@pytest.mark.usefixtures("owner_email")
def test_digest_at_local_time_once(sim: TestTwilioSim, session: Session, runtime: Runtime,
                                   clock: FixedClock, mailbox: Mailbox) -> None:
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(6)])
    sim.call(DEMO_EN, [Press("0"), DialOutcome("busy"), LeaveMessage(4)])
    sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), LeaveMessage(2)])
    assert queue_due_digests(session, now=clock()) == 0  # 10:00 in New York
    evening = datetime(2026, 11, 17, 23, 30, tzinfo=UTC)  # 18:30 in New York (EST)
    assert queue_due_digests(session, now=evening - timedelta(minutes=1)) == 0
    assert queue_due_digests(session, now=evening) == 1
    session.commit()
    assert queue_due_digests(session, now=evening + timedelta(minutes=5)) == 1  # same key
    session.commit()
    [digest] = digests(session)
    assert "Demo Dental Clinic: your day, Tue, Nov 17, 2026" in digest.body
    assert "3 calls, 2 messages, 1 booking, 1 missed transfer." in digest.body
    assert "Messages to handle (2):" in digest.body
    clock.now = evening
    deliver_due(runtime)
    subjects = [m["Subject"] for m in mailbox.messages]
    assert "Demo Dental Clinic: your day, Tue, Nov 17, 2026" in subjects


@pytest.mark.usefixtures("owner_email")
def test_digest_time_follows_daylight_saving(session: Session) -> None:
    # 18:30 in New York is 22:30 UTC in summer (EDT) and 23:30 UTC in winter (EST).
    assert queue_due_digests(session, now=datetime(2026, 7, 1, 22, 29, tzinfo=UTC)) == 0
    assert queue_due_digests(session, now=datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == 1
    assert queue_due_digests(session, now=datetime(2026, 12, 1, 22, 30, tzinfo=UTC)) == 0
    assert queue_due_digests(session, now=datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == 1


@pytest.mark.usefixtures("owner_email")
def test_a_call_without_final_status_is_closed_and_summarised(
        sim: TestTwilioSim, session: Session, runtime: Runtime, clock: FixedClock) -> None:
    class LostStatus(SimulatedCall):
        def finish(self, status: str = "completed") -> None:
            self.ended = True  # Twilio never tells us

    call = LostStatus(sim, ScriptedCaller([Press("3"), HangUp()]), to=DEMO_EN,
                      from_="+15550001111").run()
    clock.now += timedelta(hours=5)
    stale_calls_job(runtime)
    session.expire_all()
    row = session.execute(select(Call).where(col(Call.call_sid) == call.call_sid)).scalar_one()
    assert row.status == "timed-out"
    kinds = [i.kind for i in session.execute(select(OutboxItem)).scalars()]
    assert kinds == ["call_summary"]



def test_the_counts_agree_with_their_numbers_in_each_language() -> None:
    def calls(language: str, n: int) -> str:
        return ngettext(language, "digest.calls", "digest.calls_plural", n)

    assert [calls("en-US", n) for n in (0, 1, 2)] == ["0 calls", "1 call", "2 calls"]
    # French counts 0 and 1 as singular.
    assert [calls("fr-FR", n) for n in (0, 1, 2)] == ["0 appel", "1 appel", "2 appels"]
    assert ngettext("fr-FR", "digest.missed", "digest.missed_plural", 3) == \
        "3 transferts sans réponse"
