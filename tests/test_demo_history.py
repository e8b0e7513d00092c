"""The demo's last few days: real simulated calls through the engine at past moments,
followed by the worker's jobs; the same data however many times it runs; never outside
dev mode."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from receptionist.appointments.models import Appointment
from receptionist.calls.models import Call, CallEvent
from receptionist.cli import demo_history
from receptionist.config import Settings
from receptionist.messages.models import FetchStatus, Message, TranscriptStatus
from receptionist.notifications.models import NotificationChannel
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.tenants.service import get_tenant

# A Thursday afternoon: the three weekdays before are Monday to Wednesday.
NOW = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def _dev(settings: Settings) -> Settings:
    return Settings(**{**settings.model_dump(), "receptionist_env": "dev",
                       "twilio_api_base": "", "twilio_auth_token": "dev-auth-token",
                       "twilio_account_sid": "AC" + "0" * 32, "smtp_url": ""})


def _counts(session: Session) -> dict[str, Any]:
    def count(model: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model)).one())
    return {"calls": count(Call), "events": count(CallEvent), "messages": count(Message),
            "appointments": count(Appointment), "outbox": count(OutboxItem),
            "channels": count(NotificationChannel),
            "transcripts": sorted((m.transcript or "") for m in
                                  session.exec(select(Message)).all())}


def test_weekdays_before_skip_the_weekend() -> None:
    assert demo_history.weekdays_before(date(2026, 12, 7), 3) == [  # a Monday
        date(2026, 12, 4), date(2026, 12, 3), date(2026, 12, 2)]


def test_the_history_is_real_calls_and_writing_it_again_changes_nothing(
        settings: Settings, session: Session) -> None:
    dev = _dev(settings)
    assert len(demo_history.missing(session)) == len(demo_history.PLAN)
    assert demo_history.write(dev, now=NOW) == len(demo_history.PLAN)
    session.expire_all()
    assert demo_history.missing(session) == []
    first = _counts(session)
    calls = session.exec(select(Call)).all()
    assert len(calls) == len(demo_history.PLAN)
    assert all(c.status == "completed" and c.ended_at is not None for c in calls)
    assert all(datetime(2026, 11, 30, tzinfo=UTC) <= c.started_at.astimezone(UTC) < NOW
               for c in calls)  # Monday to Wednesday, never the weekend
    for slug in ("demo", "demo-fr"):
        tenant_id = get_tenant(session, slug=slug).id
        mine = [c for c in calls if c.tenant_id == tenant_id]
        outcomes = {c.outcome for c in mine}
        assert {"booked", "message", "answered"} <= outcomes, (slug, outcomes)
        booked = session.exec(select(Appointment).where(
            Appointment.tenant_id == tenant_id)).all()
        assert len(booked) >= 2 and all(a.call_sid for a in booked)
        messages = session.exec(select(Message).where(Message.tenant_id == tenant_id)).all()
        assert len(messages) >= 2
        assert all(m.fetch_status == FetchStatus.fetched for m in messages)
    # The English messages were heard (the tests have the English model only).
    english = session.exec(select(Message).where(
        Message.tenant_id == get_tenant(session, slug="demo").id)).all()
    assert all(m.transcript_status == TranscriptStatus.done for m in english)
    assert any("johnson" in (m.transcript or "").lower() for m in english)
    assert any(m.urgent for m in english)  # the broken tooth
    # Owners' summaries and callers' confirmations, delivered at the time.
    sent = session.exec(select(OutboxItem)).all()
    assert {o.kind for o in sent} >= {"call_summary", "booking_confirmed"}
    assert all(o.status == OutboxStatus.sent for o in sent)
    assert all(o.sent_at is not None and o.sent_at.astimezone(UTC) < NOW for o in sent)
    # Again: nothing is added or changed.
    assert demo_history.write(dev, now=NOW) == 0
    session.expire_all()
    assert _counts(session) == first


def test_never_outside_dev_mode(settings: Settings, session: Session) -> None:
    assert demo_history.write(settings, now=NOW) == 0
    assert session.exec(select(func.count()).select_from(Call)).one() == 0
