"""The one REST client, against Twilio's API played on loopback (tests/twilio_sim.py)."""

from __future__ import annotations

import pytest

from receptionist.config import Settings
from receptionist.messages.recordings import FetchError
from receptionist.notifications.sms import SmsError
from receptionist.twilio.rest import TwilioRest, TwilioRestError
from tests.twilio_sim import FakeTwilioApi

CALL = "CA" + "a" * 32
RECORDING = "RE" + "b" * 32


def test_redirect_moves_the_live_call(settings: Settings, twilio_api: FakeTwilioApi) -> None:
    rest = TwilioRest(settings)
    rest.redirect_call(call_sid=CALL, url="https://rcp.example.com/twilio/step?step=x")
    assert twilio_api.redirects[CALL] == ["https://rcp.example.com/twilio/step?step=x"]
    with pytest.raises(TwilioRestError, match="HTTP 400"):
        rest.redirect_call(call_sid="not-a-call", url="https://rcp.example.com/")
    rest.close()


def test_prepare_builds_the_client_that_later_requests_use_and_sends_nothing(
        settings: Settings, twilio_api: FakeTwilioApi) -> None:
    """The warm-up's `prepare`: the client (and its TLS context) exists before the first
    redirect, which then uses it; preparing asks nothing of Twilio."""
    rest = TwilioRest(settings)
    rest.prepare()
    prepared = rest.http
    rest.prepare()  # a second time changes nothing
    assert rest.http is prepared
    assert twilio_api.requests == []
    rest.redirect_call(call_sid=CALL, url="https://rcp.example.com/twilio/step?step=x")
    assert rest.http is prepared
    assert twilio_api.redirects[CALL] == ["https://rcp.example.com/twilio/step?step=x"]
    rest.close()


def test_sms_returns_the_message_sid_and_tells_permanent_refusals(
        settings: Settings, twilio_api: FakeTwilioApi) -> None:
    rest = TwilioRest(settings)
    assert rest.send_sms(to="+15551230000", sender="+15005550006", body="hi").startswith("SM")
    with pytest.raises(SmsError) as refused:
        rest.send_sms(to="12", sender="+15005550006", body="hi")
    assert refused.value.permanent
    twilio_api.fail_next_sms(1, status=503)
    with pytest.raises(SmsError) as later:
        rest.send_sms(to="+15551230000", sender="+15005550006", body="hi")
    assert not later.value.permanent


def test_recordings_come_from_the_api_base_only(settings: Settings,
                                                twilio_api: FakeTwilioApi) -> None:
    twilio_api.add_recording(RECORDING, 2)
    rest = TwilioRest(settings)
    path = f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/{RECORDING}"
    # Whatever host the RecordingUrl names, the audio is asked of TWILIO_API_BASE.
    assert rest.download_recording("https://elsewhere.example.com" + path).startswith(b"RIFF")
    with pytest.raises(FetchError, match="not a Twilio recording URL"):
        rest.download_recording("https://elsewhere.example.com/secrets.wav")
