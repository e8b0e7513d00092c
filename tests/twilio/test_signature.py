"""X-Twilio-Signature: Twilio's published vector, and 403 with no side effect."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.datastructures import URL
from twilio.request_validator import RequestValidator

from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.twilio.signature import is_valid, public_url
from tests.conftest import DEMO_EN, PUBLIC_BASE
from tests.twilio_sim import TestTwilioSim

# Twilio's documented known-answer vector.
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
                 "From": "+14158675309", "To": "+18005551212"}
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_known_answer_vector() -> None:
    validator = RequestValidator("12345")
    assert validator.compute_signature(VECTOR_URL, VECTOR_PARAMS) == VECTOR_SIGNATURE
    assert is_valid(validator, url=VECTOR_URL, form=list(VECTOR_PARAMS.items()),
                    signature=VECTOR_SIGNATURE)


def test_vector_rejects_any_change() -> None:
    validator = RequestValidator("12345")
    form = list(VECTOR_PARAMS.items())
    assert not is_valid(validator, url=VECTOR_URL, form=form, signature=None)
    assert not is_valid(RequestValidator("54321"), url=VECTOR_URL, form=form,
                        signature=VECTOR_SIGNATURE)
    assert not is_valid(validator, url=VECTOR_URL.replace("foo=1", "foo=2"), form=form,
                        signature=VECTOR_SIGNATURE)
    tampered = [(k, "+19999999999" if k == "From" else v) for k, v in form]
    assert not is_valid(validator, url=VECTOR_URL, form=tampered, signature=VECTOR_SIGNATURE)


def test_public_url_is_rebuilt_from_settings_not_from_the_proxy() -> None:
    seen_by_app = URL("http://127.0.0.1:8000/twilio/menu?step=main_menu&attempt=0&seq=1")
    assert public_url("https://rx.example.com", seen_by_app) == (
        "https://rx.example.com/twilio/menu?step=main_menu&attempt=0&seq=1")
    assert public_url("https://rx.example.com", URL("http://a/twilio/voice")) == (
        "https://rx.example.com/twilio/voice")


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (session.exec(select(func.count()).select_from(Call)).one(),
                session.exec(select(func.count()).select_from(CallEvent)).one(),
                session.exec(select(func.count()).select_from(WebhookReply)).one())


FORM = {"CallSid": "CA" + "a" * 32, "From": "+15551112222", "To": DEMO_EN,
        "AccountSid": "AC" + "1" * 32, "CallStatus": "ringing"}


def test_unsigned_and_badly_signed_requests_get_403_and_change_nothing(
        sim: TestTwilioSim, engine: Engine) -> None:
    before = _counts(engine)
    for route in ("/twilio/voice", "/twilio/status", "/twilio/menu?step=main_menu&seq=1",
                  "/twilio/recorded?step=message&seq=1", "/twilio/dialed?step=transfer&seq=1",
                  "/twilio/recording-status?step=message", "/twilio/step?step=main_menu",
                  "/twilio/no-recording?step=message&seq=1"):
        assert sim.post_raw(route, FORM, signed=False).status_code == 403
        assert sim.post_raw(route, FORM, signature=VECTOR_SIGNATURE).status_code == 403
    assert _counts(engine) == before


def test_signature_for_the_proxy_facing_url_is_refused(
        sim: TestTwilioSim, engine: Engine) -> None:
    # Signed for the URL the app sees behind the proxy, not the public one Twilio called.
    wrong = sim.sign("http://testserver/twilio/voice", FORM)
    assert sim.post_raw("/twilio/voice", FORM, signature=wrong).status_code == 403
    right = sim.sign(PUBLIC_BASE + "/twilio/voice", FORM)
    assert sim.post_raw("/twilio/voice", FORM, signature=right).status_code == 200


def test_signature_made_with_another_auth_token_is_refused(sim: TestTwilioSim) -> None:
    other = RequestValidator("another-token").compute_signature(PUBLIC_BASE + "/twilio/voice",
                                                                FORM)
    assert sim.post_raw("/twilio/voice", FORM, signature=other).status_code == 403
