"""Text messages: what delivery needs from a provider (`twilio.rest.TwilioRest` is one)."""

from __future__ import annotations

from typing import Protocol


class SmsError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent  # retrying will not help (e.g. an invalid number)


class SmsSender(Protocol):
    def send_sms(self, *, to: str, sender: str, body: str) -> str:
        """Send one SMS; returns the provider's message id. Raises SmsError."""
        ...
