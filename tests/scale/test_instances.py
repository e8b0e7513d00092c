"""Several web instances on one PostgreSQL database: consecutive webhooks of a call, and
its media stream, land on different processes and the call goes on as if there were one;
an instance killed mid-call costs the caller nothing (the next instance answers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from receptionist.appointments.models import Appointment
from receptionist.calls.models import Call
from receptionist.messages.models import Message
from receptionist.twilio.simulator import LeaveMessage, Press, Speak
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, ON_POSTGRES, PUBLIC_BASE
from tests.conftest import Speak as Synthesize
from tests.instances import Instance, RoundRobin, twilio_through
from tests.scale.conftest import NUMBER
from tests.twilio_sim import FakeTwilioApi, TestMediaStreams

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="several instances share PostgreSQL")


@pytest.fixture
def instances(deployment_env: dict[str, str], tmp_path: Path) -> Iterator[list[Instance]]:
    started = [Instance(deployment_env, tmp_path, name) for name in ("a", "b")]
    try:
        for instance in started:
            instance.start()
        yield started
    finally:
        for instance in started:
            instance.stop()
    for instance in started:  # nothing unhandled in either instance's log
        assert "Traceback" not in instance.log(), instance.log()


def count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[arg-type]


def test_a_call_spread_over_two_instances(instances: list[Instance], engine: Engine,
                                          twilio_api: FakeTwilioApi, speak: Synthesize) -> None:
    proxy = RoundRobin(instances)
    sim = twilio_through(proxy, twilio_api, public_base=PUBLIC_BASE, auth_token=AUTH_TOKEN,
                         account_sid=ACCOUNT_SID)
    # The app runs in other processes: the spoken answer must be routed (awaited long).
    sim.media = TestMediaStreams(proxy, twilio_api, sim.sign, speak, must_route=True)
    try:
        # Speech at the menu (stream on one instance, redirect served by the other), then
        # a message; and a keypad booking.
        spoken = sim.call(NUMBER, [Speak("I'd like to leave a message please"),
                                   LeaveMessage(3)], from_="+15550000001")
        # book, a check-up, Dr Martin, the first time offered, confirm; then the name.
        booked = sim.call(NUMBER, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                                   LeaveMessage(2)],
                          from_="+15550000002")
    finally:
        proxy.close()
    assert "message" in spoken.said.lower() and twilio_api.redirects.get(spoken.call_sid)
    assert "Your appointment is booked" in booked.said
    assert proxy.served["a"] >= 3 and proxy.served["b"] >= 3, proxy.served
    assert proxy.statuses == {200: sum(proxy.statuses.values())}
    assert count(engine, Message, Message.caller == "+15550000001") == 1
    assert count(engine, Appointment, Appointment.caller_number == "+15550000002") == 1
    assert count(engine, Call, Call.status == "completed") == 2


def test_an_instance_killed_mid_call(instances: list[Instance], engine: Engine,
                                     twilio_api: FakeTwilioApi) -> None:
    proxy = RoundRobin(instances)
    sim = twilio_through(proxy, twilio_api, public_base=PUBLIC_BASE, auth_token=AUTH_TOKEN,
                         account_sid=ACCOUNT_SID)
    sent: list[str] = []

    def crash_after_greeting(path: str) -> None:
        sent.append(path)
        if len(sent) == 2:  # the menu key: whichever instance is next, "a" is gone
            instances[0].kill()

    try:
        call = sim.call(NUMBER, [Press("2"), LeaveMessage(4)], from_="+15550000003",
                        before_post=crash_after_greeting)
        sim.call(NUMBER, [Press("2"), LeaveMessage(2)], from_="+15550000004")
    finally:
        proxy.close()
    assert "Thank you" in call.said or "message" in call.said.lower()
    assert "technical" not in call.said.lower() and "Sorry" not in call.said
    assert proxy.failovers >= 1 and proxy.statuses == {200: sum(proxy.statuses.values())}
    assert count(engine, Message, Message.caller == "+15550000003") == 1
    assert count(engine, Message, Message.caller == "+15550000004") == 1
    assert count(engine, Call, Call.status == "completed") == 2
    instances[0].process = None  # killed on purpose: its log is not checked for tracebacks
    instances[0].log_path.unlink()
