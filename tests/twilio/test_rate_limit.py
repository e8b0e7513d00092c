"""Per-business rate limit on new calls: over it, callers hear "all our lines are busy" in
the business's language, the call log shows it, other businesses are not affected, and a
retried webhook of an admitted call is never turned away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from receptionist.calls.events import EventFields, Reason
from receptionist.calls.models import Call, CallEvent
from receptionist.cli import app
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.test_cli import cli_env, runner  # noqa: F401 - the fixture
from tests.twilio_sim import TestTwilioSim


def set_limit(session: Session, slug: str, limit: int) -> None:
    tenant = get_tenant(session, slug=slug)
    tenant.calls_per_minute = limit
    session.add(tenant)
    session.commit()


def test_calls_over_the_limit_hear_busy(sim: TestTwilioSim, session: Session,
                                        clock: FixedClock) -> None:
    set_limit(session, "demo-fr", 2)
    for _ in range(2):
        admitted = sim.call(DEMO_FR, [Press("2"), LeaveMessage(2)])
        assert "occupées" not in admitted.said
    turned_away = sim.call(DEMO_FR, [])
    assert "toutes nos lignes sont occupées" in turned_away.said
    other = sim.call(DEMO_EN, [Press("2"), LeaveMessage(2)])  # another business: fine
    assert "busy" not in other.said
    row = session.exec(select(Call).where(Call.call_sid == turned_away.call_sid)).one()
    assert row.status == "rejected"
    event = session.exec(select(CallEvent).where(CallEvent.call_id == row.id,
                                                 CallEvent.kind == "rejected")).one()
    assert event.kind == "rejected"
    assert event.fields == EventFields(reason=Reason.rate_limit, limit=2)
    clock.now += timedelta(seconds=61)
    assert "occupées" not in sim.call(DEMO_FR, [Press("2"), LeaveMessage(2)]).said


def test_english_callers_hear_it_in_english(sim: TestTwilioSim, session: Session) -> None:
    set_limit(session, "demo", 1)
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(2)])
    busy = sim.call(DEMO_EN, [])
    assert busy.said == ("Sorry, all our lines are busy. Please call again in a few "
                         "minutes. Goodbye.")


def test_a_retried_voice_webhook_is_not_turned_away(sim: TestTwilioSim,
                                                    session: Session) -> None:
    set_limit(session, "demo", 1)
    first = sim.call(DEMO_EN, [Press("2"), LeaveMessage(2)])
    voice = first.exchanges[0]
    again = sim.post_raw("/twilio/voice", voice.form)  # Twilio retrying the first webhook
    assert again.status_code == 200 and again.text == voice.body


@pytest.mark.usefixtures("cli_env")
def test_cli_sets_the_limit(session: Session) -> None:
    shown = runner.invoke(app, ["tenant", "limit", "--tenant", "demo"])
    assert shown.exit_code == 0 and "60 new calls per minute (the default" in shown.output
    runner.invoke(app, ["tenant", "limit", "--tenant", "demo", "--calls-per-minute", "5"])
    session.expire_all()
    assert get_tenant(session, slug="demo").calls_per_minute == 5
    assert runner.invoke(app, ["tenant", "limit", "--tenant", "demo",
                               "--calls-per-minute", "0"]).exit_code == 2
