"""Every call we make to Twilio's REST API, in one client: moving a live call to new
TwiML, sending an SMS, downloading a message's recording. Plain HTTP with the account's
credentials, against TWILIO_API_BASE only (tests receive it there).

The domains name what they need as small protocols (`notifications.channel.SmsSender`,
`messages.recordings.RecordingSource`); this client is what the entry points plug in
(`Runtime.telephony`), so another provider would be another client."""

from __future__ import annotations

import threading

import httpx

from receptionist.config import Settings
from receptionist.messages.recordings import FetchError, stream_recording_path
from receptionist.notifications.sms import SmsError
from receptionist.runtime import Runtime
from receptionist.twilio.recording_urls import api_url


class TwilioRestError(RuntimeError):
    pass


class TwilioRest:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def http(self) -> httpx.Client:
        """One HTTP client for the account: connections and TLS setup are reused."""
        with self._lock:
            if self._http is None:
                self._http = httpx.Client(timeout=5.0, auth=(self.settings.twilio_account_sid,
                                                             self.settings.twilio_auth_token))
            return self._http

    def prepare(self) -> None:
        """Build the HTTP client now (the warm-up does, before the process says ready):
        its TLS context reads the CA bundle, about 25 ms with the GIL held, which the
        first redirect after a start otherwise made every request of the process wait."""
        self.http  # noqa: B018 (built on first access)

    def close(self) -> None:
        with self._lock:
            client, self._http = self._http, None
        if client is not None:
            client.close()

    def _account(self, path: str) -> str:
        return (f"{self.settings.twilio_api_base}/2010-04-01/Accounts/"
                f"{self.settings.twilio_account_sid}/{path}")

    def redirect_call(self, *, call_sid: str, url: str) -> None:
        """Ask Twilio to fetch `url` for the live call now (POST)."""
        try:
            response = self.http.post(self._account(f"Calls/{call_sid}.json"),
                                      data={"Url": url, "Method": "POST"})
        except httpx.HTTPError as exc:
            raise TwilioRestError(f"redirect of {call_sid} failed: {exc}") from None
        if response.status_code >= 300:
            raise TwilioRestError(f"redirect of {call_sid} failed: HTTP "
                                  f"{response.status_code} {response.text[:200]}")

    def send_sms(self, *, to: str, sender: str, body: str) -> str:
        """Send one SMS (Messaging API); returns Twilio's message SID."""
        try:
            response = self.http.post(self._account("Messages.json"),
                                      data={"To": to, "From": sender, "Body": body})
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

    def download_recording(self, recording_url: str) -> bytes:
        """The recording's WAV, from TWILIO_API_BASE whatever host `recording_url` names;
        one the stream transport made on this server, from its file (nothing at Twilio)."""
        local = stream_recording_path(self.settings, recording_url)
        if local is not None:
            try:
                return local.read_bytes()
            except OSError as exc:
                raise FetchError(f"stream recording unreadable: {exc}") from None
        target = api_url(self.settings, recording_url)
        try:
            response = self.http.get(target, timeout=self.settings.recording_fetch_timeout_s,
                                     follow_redirects=True)
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code} from {target}")
        body = response.content
        if not body.startswith(b"RIFF") or body[8:12] != b"WAVE":
            raise FetchError("the answer is not a WAV file")
        return body


def plug(rt: Runtime) -> Runtime:
    """Give `rt` this client as its telephony provider, unless it has one."""
    return rt.plug(TwilioRest)
