"""The one Twilio REST call we make: move a live call to new TwiML (calls(sid).update).

Plain HTTP with the account's credentials, against TWILIO_API_BASE so tests can receive it.
"""

from __future__ import annotations

import httpx

from receptionist.config import Settings


class TwilioRestError(RuntimeError):
    pass


def redirect_call(settings: Settings, client: httpx.Client, *, call_sid: str, url: str) -> None:
    """Ask Twilio to fetch `url` for the live call now (POST). `client` carries the
    account's credentials (Runtime.twilio_http)."""
    endpoint = (f"{settings.twilio_api_base}/2010-04-01/Accounts/{settings.twilio_account_sid}"
                f"/Calls/{call_sid}.json")
    try:
        response = client.post(endpoint, data={"Url": url, "Method": "POST"})
    except httpx.HTTPError as exc:
        raise TwilioRestError(f"redirect of {call_sid} failed: {exc}") from None
    if response.status_code >= 300:
        raise TwilioRestError(f"redirect of {call_sid} failed: HTTP {response.status_code} "
                              f"{response.text[:200]}")
