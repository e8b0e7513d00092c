from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from receptionist.calls import service as calls
from receptionist.notifications import service as notifications
from receptionist.notifications.models import NotificationSettings
from receptionist.outbox.models import OutboxItem
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock


def test_channels_are_validated(session: Session) -> None:
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    for channel, target, reason in (
            ("fax", "+15551230000", "channel must be"),
            ("sms", "5551230000", "E.164"),
            ("email", "owner.example.com", "an address"),
            ("webhook", "ftp://example.com/hook", "http"),
            ("webhook", "https://10.0.0.1/hook", "10.0.0.1")):
        with pytest.raises(ValueError, match=reason):
            notifications.add_channel(session, tenant_id=demo.id, channel=channel,
                                      target=target, secret="s")
    row = notifications.add_channel(session, tenant_id=demo.id, channel="sms",
                                    target="+15551230000", events=("digest",))
    assert notifications.channels_for(session, tenant_id=demo.id, event="digest") == [row]
    assert row not in notifications.channels_for(session, tenant_id=demo.id,
                                                 event="call_summary")


def test_quiet_hours_across_midnight_in_the_business_time_zone() -> None:
    quiet = NotificationSettings(tenant_id=1, quiet_start="22:00", quiet_end="07:00")
    paris_23h = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    until = notifications.quiet_until(quiet, timezone="Europe/Paris", now=paris_23h)
    assert until == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)  # 07:00 in Paris (CET)
    assert notifications.quiet_until(quiet, timezone="Europe/Paris",
                                     now=datetime(2026, 3, 2, 12, 0, tzinfo=UTC)) is None
    assert notifications.quiet_until(NotificationSettings(tenant_id=1), timezone="UTC",
                                     now=paris_23h) is None


def test_the_end_of_a_call_queues_one_summary_per_channel(session: Session,
                                                         clock: FixedClock) -> None:
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    notifications.add_channel(session, tenant_id=demo.id, channel="sms", target="+15551230000")
    notifications.add_channel(session, tenant_id=demo.id, channel="email",
                              target="owner@example.com")
    call = calls.open_call(session, call_sid="CA" + "6" * 32, tenant_id=demo.id,
                           from_number="+15550001", to_number="+15005550006",
                           script_version=1, now=clock())
    session.flush()
    assert notifications.call_ended(session, call=call, now=clock()) == 2
    assert notifications.call_ended(session, call=call, now=clock()) == 2  # same keys
    rows = session.exec(select(OutboxItem).where(OutboxItem.call_id == call.id)).all()
    assert sorted(r.channel for r in rows) == ["email", "sms"]  # queued once each
    unknown = calls.open_call(session, call_sid="CA" + "7" * 32, tenant_id=None,
                              from_number="", to_number="+1", script_version=None, now=clock())
    assert notifications.call_ended(session, call=unknown, now=clock()) == 0
