"""X-Twilio-Signature: Twilio's published vector, and 403 with no side effect."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.datastructures import URL, ImmutableMultiDict
from twilio.request_validator import RequestValidator

from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.twilio.signature import SignatureKey, is_valid, public_url
from tests.conftest import DEMO_EN, PUBLIC_BASE
from tests.twilio_sim import TestTwilioSim

# Twilio's documented known-answer vector.
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
                 "From": "+14158675309", "To": "+18005551212"}
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_known_answer_vector() -> None:
    key = SignatureKey("12345")
    assert key.signature(VECTOR_URL, list(VECTOR_PARAMS.items())) == VECTOR_SIGNATURE
    assert is_valid(key, url=VECTOR_URL, form=list(VECTOR_PARAMS.items()),
                    signature=VECTOR_SIGNATURE)


def test_vector_rejects_any_change() -> None:
    validator = SignatureKey("12345")
    form = list(VECTOR_PARAMS.items())
    assert not is_valid(validator, url=VECTOR_URL, form=form, signature=None)
    assert not is_valid(validator, url=VECTOR_URL, form=form, signature="")
    assert not is_valid(SignatureKey("54321"), url=VECTOR_URL, form=form,
                        signature=VECTOR_SIGNATURE)
    assert not is_valid(validator, url=VECTOR_URL.replace("foo=1", "foo=2"), form=form,
                        signature=VECTOR_SIGNATURE)
    tampered = [(k, "+19999999999" if k == "From" else v) for k, v in form]
    assert not is_valid(validator, url=VECTOR_URL, form=tampered, signature=VECTOR_SIGNATURE)


# URLs as Twilio may have signed them: with or without the default port, a port of our
# own, a query, characters outside ASCII, a long query; forms with repeated names, empty
# values, text outside ASCII.
URLS = ["https://rx.example.com/twilio/voice", "https://rx.example.com:443/twilio/voice",
        "https://rx.example.com:8443/twilio/menu?step=main&seq=2",
        "http://rx.example.com/twilio/menu?step=caf%C3%A9&attempt=0",
        "http://rx.example.com:80/twilio/recorded?step=msg", "https://rx.example.com/été?a=b",
        "https://rx.example.com:443/twilio/menu?step=" + "x" * 500]  # too long to keep
FORMS = [[], list(VECTOR_PARAMS.items()),
         [("Digits", "1"), ("Digits", "2"), ("Digits", "1"), ("From", "")],
         [("SpeechResult", "Je voudrais un rendez-vous à 15 h"), ("Confidence", "0.9")],
         [("b", "2"), ("a", "2"), ("ab", "1"), ("a", "10")]]


def test_signatures_are_exactly_twilios() -> None:
    """Accepted exactly when Twilio's own validator accepts: each URL's signatures
    (without the port, with it, other URLs'), a wrong token's, a tampered one."""
    ours, twilios = SignatureKey("token-1"), RequestValidator("token-1")
    for url in URLS:
        for form in FORMS:
            params = ImmutableMultiDict(form)
            assert ours.signature(url, form) == twilios.compute_signature(url, params)
            candidates = {twilios.compute_signature(other, params) for other in URLS}
            candidates |= {RequestValidator("token-2").compute_signature(url, params),
                           ours.signature(url, form)[:-2] + "x=", "", "é" * 28}
            for signature in candidates:
                assert is_valid(ours, url=url, form=form, signature=signature) == bool(
                    signature and twilios.validate(url, params, signature)), (url, form)


def test_public_url_is_rebuilt_from_settings_not_from_the_proxy() -> None:
    seen_by_app = URL("http://127.0.0.1:8000/twilio/menu?step=main_menu&attempt=0&seq=1")
    assert public_url("https://rx.example.com", seen_by_app.path, seen_by_app.query) == (
        "https://rx.example.com/twilio/menu?step=main_menu&attempt=0&seq=1")
    assert public_url("https://rx.example.com", "/twilio/voice", "") == (
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
