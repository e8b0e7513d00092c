"""Every piece of database work a call makes runs on the call path's lane
(`Database.run(work, urgent=True)`: its own threads on PostgreSQL), the JSON API's on the
general one, whatever the database: a call site that forgets `urgent` fails here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.tenants.tokens import create_token
from receptionist.twilio.simulator import HangUp, LeaveMessage, Press, Speak, StaySilent
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio.helpers import kinds, messages, path, publish_demo
from tests.twilio_sim import TestTwilioSim

T = TypeVar("T")


@pytest.fixture
def lanes(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each `Database.run` of the app asked for the call lane, in order."""
    asked: list[bool] = []
    run = runtime.database.run

    async def recorded(work: Callable[[], T], *, urgent: bool = False) -> T:
        asked.append(urgent)
        return await run(work, urgent=urgent)

    monkeypatch.setattr(runtime.database, "run", recorded)
    return asked


def test_a_whole_call_runs_its_database_work_on_the_call_lane(
        sim: TestTwilioSim, lanes: list[bool]) -> None:
    call = sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(5)])
    assert call.heard
    assert len(lanes) >= 5 and all(lanes)


@pytest.mark.usefixtures("media", "single_agenda_demos")
def test_a_call_heard_on_a_media_stream_runs_on_the_call_lane(
        sim: TestTwilioSim, engine: Engine, lanes: list[bool]) -> None:
    """The stream's claim, the step it listens to, words noted without an answer."""
    call = sim.call(DEMO_EN, [Press("1"), Speak("I like green apples and bananas"),
                              Press("1"), Press("1"), StaySilent()])
    assert call.stream is not None
    assert {"words_ignored", "booked"} <= set(kinds(engine, call.call_sid))
    assert len(lanes) >= 5 and all(lanes)


STREAMED = ("\nstart: greeting\n", "\ntransport: stream\nstart: greeting\n")


@pytest.mark.usefixtures("conversations")
def test_a_call_carried_by_a_two_way_stream_runs_on_the_call_lane(
        sim: TestTwilioSim, engine: Engine, lanes: list[bool]) -> None:
    """The stream's document, a key's callback, the recording's action answered here."""
    publish_demo(engine, DEMO_EN, STREAMED)
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(3)])
    assert [message.caller for message in messages(engine)] == [call.from_]
    assert len(lanes) >= 3 and all(lanes)


def test_a_streamed_call_resumed_over_twiml_runs_on_the_call_lane(
        sim: TestTwilioSim, engine: Engine, lanes: list[bool]) -> None:
    """No stream player: Twilio goes on after <Connect> to /twilio/resume."""
    publish_demo(engine, DEMO_EN, STREAMED)
    call = sim.call(DEMO_EN, [Press("3"), HangUp()])
    assert "resume" in [e.url.split("?")[0].rsplit("/", 1)[-1] for e in call.exchanges]
    assert "opening_hours" in path(engine, call.call_sid)
    assert len(lanes) >= 3 and all(lanes)


def test_health_checks_run_on_the_call_lane(client: TestClient, lanes: list[bool]) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)  # ready once warmed up
    assert lanes == [True, True]


def test_the_json_api_runs_on_the_general_lane(
        client: TestClient, session: Session, clock: FixedClock, lanes: list[bool]) -> None:
    token = create_token(session, tenant=get_tenant(session, slug="demo"), name="lanes",
                         now=clock())
    session.commit()
    headers: dict[str, Any] = {"Authorization": f"Bearer {token}"}
    got = client.get("/api/v1/tenants/demo/availability",
                     params={"date": "2026-11-18", "agenda": "main"}, headers=headers)
    assert got.status_code == 200
    assert lanes and not any(lanes)
