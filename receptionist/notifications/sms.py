"""Sending one SMS through Twilio's Messaging REST API (host: TWILIO_API_BASE)."""

from __future__ import annotations

import httpx

from receptionist.config import Settings


class SmsError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent  # retrying will not help (e.g. an invalid number)


def send_sms(settings: Settings, client: httpx.Client, *, to: str, sender: str,
             body: str) -> str:
    """Returns Twilio's message SID."""
    endpoint = (f"{settings.twilio_api_base}/2010-04-01/Accounts/{settings.twilio_account_sid}"
                "/Messages.json")
    try:
        response = client.post(endpoint, data={"To": to, "From": sender, "Body": body})
    except httpx.HTTPError as exc:
        raise SmsError(f"SMS to {to} failed: {exc}", permanent=False) from None
    if response.status_code >= 300:
        # 4xx other than 429 means Twilio refused this message (bad number, blocked...).
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise SmsError(f"SMS to {to} failed: HTTP {response.status_code} "
                       f"{response.text[:200]}", permanent=permanent)
    try:
        return str(response.json().get("sid", ""))
    except ValueError:
        return ""
