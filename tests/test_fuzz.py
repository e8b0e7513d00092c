"""Hostile input: every route of /openapi.json fuzzed by schemathesis, the Twilio routes
with hypothesis-generated forms (signed and unsigned), the media WebSocket with junk.
Never a 500, never an exception in the logs."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis.core import NotSet
from twilio.request_validator import RequestValidator

from tests.conftest import AUTH_TOKEN, DEMO_EN, DEMO_FR, PUBLIC_BASE

FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
VALIDATOR = RequestValidator(AUTH_TOKEN)


def unhandled(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.levelno >= logging.ERROR or r.exc_info]


def test_every_openapi_route(client: TestClient, demo_token: str,
                             caplog: pytest.LogCaptureFixture) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 10
    caplog.set_level(logging.WARNING)
    seen: dict[str, set[int]] = {}
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy(), own_slug=st.booleans())
        def check(case: schemathesis.Case, own_slug: bool) -> None:  # type: ignore[type-arg]
            if own_slug and case.path_parameters and "slug" in case.path_parameters:
                case.path_parameters["slug"] = "demo"  # past the tenant check, deeper in
            # Sent through the app's own test client (schemathesis' requests transport
            # does not work beside urllib3-future, which caldav's niquests installs).
            body = {} if isinstance(case.body, NotSet) else {"json": case.body}
            response = client.request(
                case.method, case.formatted_path, params=case.query or None,
                headers={**{k: str(v) for k, v in dict(case.headers or {}).items()},
                         "Authorization": f"Bearer {demo_token}"}, **body)  # type: ignore[arg-type]
            seen.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.text[:300])

        check()
    assert unhandled(caplog) == []
    # The fuzzing went past authentication into the handlers (not only 401s / 404s).
    assert any(200 in codes for path, codes in seen.items() if "/api/v1/" in path), seen
    assert any(422 in codes for codes in seen.values()), seen


TWILIO_ROUTES = ["/twilio/voice", "/twilio/status", "/twilio/menu", "/twilio/recorded",
                 "/twilio/no-recording", "/twilio/recording-status", "/twilio/dialed",
                 "/twilio/book", "/twilio/step", "/twilio/fallback",
                 "/twilio/fallback/recorded"]
FIELDS = ["CallSid", "From", "To", "Digits", "CallStatus", "CallDuration", "RecordingSid",
          "RecordingUrl", "RecordingDuration", "RecordingStatus", "DialCallStatus",
          "DialCallDuration", "SpeechResult", "AccountSid"]
QUERY_KEYS = ["step", "seq", "stage", "attempt", "slots", "slot", "appointment", "pressed",
              "lang"]
junk = st.text(max_size=80) | st.sampled_from(
    ["", "0", "-1", "99999999999999999999", "1", "2", "#", "completed", "in-progress",
     "CA" + "a" * 32, "RE" + "b" * 32, DEMO_EN, DEMO_FR, "https://api.twilio.com/x",
     "main_menu", "book", "\x00", "é" * 40, "1e309", "NaN"])


@st.composite
def twilio_requests(draw: st.DrawFn) -> tuple[str, dict[str, str], bool]:
    path = draw(st.sampled_from(TWILIO_ROUTES))
    query = draw(st.dictionaries(st.sampled_from(QUERY_KEYS), junk, max_size=4))
    form = draw(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), junk,
                                max_size=10))
    if draw(st.booleans()):
        form["CallSid"] = "CA" + draw(st.sampled_from(["a", "b", "c"])) * 32
    return path + (f"?{urlencode(query)}" if query else ""), form, draw(st.booleans())


def test_twilio_routes_with_generated_forms(client: TestClient,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    statuses: set[int] = set()

    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(request=twilio_requests())
    # A call Twilio could announce, always among the forms: the random ones reach a
    # handler (200) in most runs, not in every one (a run drew none of 300).
    @example(request=("/twilio/voice", {"CallSid": "CA" + "a" * 32, "To": DEMO_EN,
                                        "From": "+15550001111"}, True))
    def check(request: tuple[str, dict[str, str], bool]) -> None:
        target, form, signed = request
        headers = {"X-Twilio-Signature": VALIDATOR.compute_signature(
            PUBLIC_BASE + target, form) if signed else "bogus"}
        response = client.post(target, data=form, headers=headers)
        statuses.add(response.status_code)
        assert response.status_code in (200, 400, 403, 404, 405, 413, 415), (
            target, form, response.status_code, response.text[:300])
        if response.status_code == 200:
            assert response.text.startswith("<?xml")  # TwiML, always

    check()
    assert {200, 400, 403} <= statuses
    assert unhandled(caplog) == []


def media_signature() -> str:
    url = PUBLIC_BASE.replace("https://", "wss://") + "/twilio/media"
    return str(VALIDATOR.compute_signature(url, {}))


frames = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200),
    st.builds(json.dumps, st.dictionaries(st.sampled_from(
        ["event", "media", "start", "streamSid", "sequenceNumber"]),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     # min_size=1: each extension draws from `inner`, or hypothesis may
                     # warn that it "doesn't use its argument" (an error here).
                     lambda inner: st.lists(inner, min_size=1, max_size=3)
                     | st.dictionaries(st.sampled_from(
                         ["payload", "customParameters", "callSid", "track"]) | st.text(
                         max_size=5), inner, min_size=1, max_size=3), max_leaves=8),
        max_size=4)),
    st.sampled_from(['{"event": "start", "start": {"customParameters": {"callSid": "CA1"}}}',
                     '{"event": "media", "media": {"payload": "%%%"}}',
                     '{"event": "media", "media": {"payload": "' + "A" * 2000 + '"}}',
                     '{"event": ["start"]}', "[]", "null", '"x"', "{" * 500]))


def test_media_websocket_junk(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(messages=st.lists(frames, min_size=1, max_size=6))
    def check(messages: list[str | bytes]) -> None:
        with client.websocket_connect("/twilio/media",
                                      headers={"X-Twilio-Signature": media_signature()}) as ws:
            for message in messages:
                if isinstance(message, bytes):
                    ws.send_bytes(message)
                else:
                    ws.send_text(message)

    check()
    with pytest.raises(Exception), client.websocket_connect(  # noqa: B017
            "/twilio/media", headers={"X-Twilio-Signature": "forged"}) as ws:
        ws.receive_text()
    assert unhandled(caplog) == []
