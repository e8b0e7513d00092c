"""Finding 5: the signature check folds repeated form values together, while the replay
cache keyed on every pair: re-sending a captured /twilio/voice request with `From`
repeated kept a valid signature and re-ran the flow. Repeated parameters are refused now,
and a plain replay gets the stored answer with nothing run again."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.calls.models import CallEvent
from tests.conftest import DEMO_EN, PUBLIC_BASE
from tests.twilio_sim import TestTwilioSim

FORM = {"CallSid": "CA" + "7" * 32, "From": "+15550007777", "To": DEMO_EN}


def _events(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(CallEvent)).scalar_one())


def _post(client: TestClient, pairs: list[tuple[str, str]], signature: str) -> tuple[int, str]:
    response = client.post("/twilio/voice", content=urlencode(pairs), headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    return response.status_code, response.text


def test_repeated_parameter_replay_is_refused(client: TestClient, sim: TestTwilioSim,
                                              engine: Engine) -> None:
    signature = sim.sign(PUBLIC_BASE + "/twilio/voice", FORM)
    status, first = _post(client, list(FORM.items()), signature)
    assert status == 200 and "<Gather" in first
    after_call = _events(engine)
    # The captured request, `From` repeated: the signature still validates…
    replay = [*FORM.items(), ("From", FORM["From"])]
    status, text = _post(client, replay, signature)
    assert status == 400 and "repeated form parameter: From" in text
    status, text = _post(client, [("From", "+15550000000"), *FORM.items()], signature)
    assert status == 400
    assert _events(engine) == after_call  # nothing ran again


def test_plain_replay_gets_the_stored_answer(client: TestClient, sim: TestTwilioSim,
                                             engine: Engine) -> None:
    signature = sim.sign(PUBLIC_BASE + "/twilio/voice", FORM)
    _, first = _post(client, list(FORM.items()), signature)
    after_call = _events(engine)
    reordered = list(reversed(FORM.items()))  # same canonical form, another order
    status, again = _post(client, reordered, signature)
    assert status == 200 and again == first
    assert _events(engine) == after_call
