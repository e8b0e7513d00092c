"""The PostgreSQL server restarts under a running web instance: while it is down callers
hear the fallback flow and can leave a message (spooled on disk); once it is back calls are
answered normally again and the spooled message is imported once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from receptionist.messages.models import Message
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, ON_POSTGRES, PUBLIC_BASE
from tests.instances import Instance, RoundRobin, twilio_through
from tests.postgres_server import PostgresServer
from tests.scale.conftest import NUMBER
from tests.twilio_sim import FakeTwilioApi
from tests.waiting import PATIENCE_S, wait_until

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="restarts the PostgreSQL server")


@pytest.fixture
def web(deployment_env: dict[str, str], tmp_path: Path) -> Iterator[Instance]:
    instance = Instance(deployment_env, tmp_path, "web").start()
    try:
        yield instance
    finally:
        instance.stop()


def messages_from(engine: Engine, caller: str) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Message)
                            .where(Message.caller == caller)).one()


def test_database_restart(web: Instance, engine: Engine, postgres: PostgresServer,
                          twilio_api: FakeTwilioApi, tmp_path: Path) -> None:
    proxy = RoundRobin([web])
    sim = twilio_through(proxy, twilio_api, public_base=PUBLIC_BASE, auth_token=AUTH_TOKEN,
                         account_sid=ACCOUNT_SID)
    try:
        before = sim.call(NUMBER, [Press("2"), LeaveMessage(2)], from_="+15550000001")
        assert "Thank you" in before.said or "message" in before.said
        engine.dispose()  # the test's own connections: the server cuts them anyway
        postgres.stop()
        try:
            assert httpx.get(f"{web.url}/healthz", timeout=PATIENCE_S).status_code == 503
            during = sim.call(NUMBER, [LeaveMessage(6)], from_="+15550000002")
            # Waiting on disk while the database is down (once it is back, the instance
            # may import it at any moment).
            assert list((tmp_path / "spool").glob("*.json"))
        finally:
            postgres.start()
        assert "cannot take your call right now" in during.said
        assert "your message has been recorded" in during.said
        wait_until(lambda: messages_from(engine, "+15550000002") > 0,
                   "the spooled message to be imported", poll_s=0.2)
        after = sim.call(NUMBER, [Press("2"), LeaveMessage(2)], from_="+15550000003")
    finally:
        proxy.close()
    assert "cannot take your call" not in after.said  # the normal flow again
    assert httpx.get(f"{web.url}/healthz", timeout=PATIENCE_S).status_code == 200
    assert [messages_from(engine, f"+1555000000{n}") for n in (1, 2, 3)] == [1, 1, 1]
    assert not list((tmp_path / "spool").glob("*.json"))
    assert proxy.statuses == {200: sum(proxy.statuses.values())}  # never a 500
