"""Finding 5: the signature check folds repeated form values together, while the replay
cache keyed on every pair: re-sending a captured /twilio/voice request with `From`
repeated kept a valid signature and re-ran the flow. Repeated parameters are refused now,
and a plain replay gets the stored answer with nothing run again."""

from __future__ import annotations

import html
import re
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


def _action(twiml: str) -> str:
    """The callback path our TwiML's first <Gather> names."""
    match = re.search(r'<Gather[^>]*action="([^"]+)"', twiml)
    assert match, twiml
    return html.unescape(match.group(1)).removeprefix(PUBLIC_BASE)


def _post_to(client: TestClient, path: str, pairs: list[tuple[str, str]], signature: str
             ) -> tuple[int, str]:
    response = client.post(path, content=urlencode(pairs), headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    return response.status_code, response.text


def test_moving_the_name_value_boundary_is_refused(client: TestClient, sim: TestTwilioSim,
                                                   engine: Engine) -> None:
    """Round 3, finding 9: `ApiVersion=2010-04-01` and `ApiVersion2=010-04-01` sign the
    same; Twilio never sends `ApiVersion2`."""
    form = {**FORM, "ApiVersion": "2010-04-01"}
    signature = sim.sign(PUBLIC_BASE + "/twilio/voice", form)
    assert _post(client, list(form.items()), signature)[0] == 200
    after_call = _events(engine)
    shifted = [*FORM.items(), ("ApiVersion2", "010-04-01")]
    assert sim.sign(PUBLIC_BASE + "/twilio/voice", dict(shifted)) == signature
    status, text = _post(client, shifted, signature)
    assert status == 400 and "never sends" in text and "ApiVersion2" in text
    assert _events(engine) == after_call


def test_a_shifted_answer_on_documented_names_replays_the_stored_answer(
        client: TestClient, sim: TestTwilioSim, engine: Engine) -> None:
    """The boundary moved between two names Twilio does send: the form differs, but the
    call, the callback and its sequence number are the same: nothing runs again, also
    once the call has ended."""
    signature = sim.sign(PUBLIC_BASE + "/twilio/voice", FORM)
    _, greeting = _post(client, list(FORM.items()), signature)
    action = _action(greeting)
    said = {**FORM, "SpeechResult": "what are your opening hours",
            "StirVerstat": "TN-Validation-Passed-A"}
    signed = sim.sign(PUBLIC_BASE + action, said)
    status, answer = _post_to(client, action, list(said.items()), signed)
    assert status == 200
    after_answer = _events(engine)
    shifted = {**FORM, "SpeechResult": "what are your opening hoursStirVerstat"
                                       "TN-Validation-Passed-A"}
    assert sim.sign(PUBLIC_BASE + action, shifted) == signed
    assert _post_to(client, action, list(shifted.items()), signed) == (200, answer)
    assert _events(engine) == after_answer
    ended = {**FORM, "CallStatus": "completed", "CallDuration": "30"}
    assert _post_to(client, "/twilio/status", list(ended.items()),
                    sim.sign(PUBLIC_BASE + "/twilio/status", ended))[0] == 200
    after_end = _events(engine)
    assert _post_to(client, action, list(shifted.items()), signed) == (200, answer)
    assert _events(engine) == after_end
