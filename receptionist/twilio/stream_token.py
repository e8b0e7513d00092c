"""The token that lets one call's media stream in.

Twilio signs the WebSocket handshake over the bare `wss://…/twilio/media` URL, the same for
every call, and the `start` message that names the call is not signed at all. So the TwiML
that starts a call's stream carries a `<Parameter name="token">`: an HMAC (key derived from
SECRET_KEY) of the CallSid and an expiry. `start` must bring a token for its own CallSid
that has not expired; someone who saw one handshake cannot feed audio into another call.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta


def stream_url(public_base_url: str, path: str = "/twilio/media") -> str:
    """The media stream's WebSocket URL (`wss://…/twilio/media`, or the two-way stream's
    `/twilio/conversation`): where <Stream> connects, and the URL Twilio signs the
    handshake over."""
    base = public_base_url
    return base.replace("https://", "wss://", 1).replace("http://", "ws://", 1) + path


# Twilio opens the stream as soon as it reads the TwiML; a little slack for slow networks.
LIFETIME = timedelta(minutes=10)


def _key(secret_key: str) -> bytes:
    return hashlib.sha256(b"receptionist/media-stream/v1\0" + secret_key.encode()).digest()


def _mac(secret_key: str, call_sid: str, expires: int) -> str:
    return hmac.new(_key(secret_key), f"{call_sid}\0{expires}".encode(),
                    hashlib.sha256).hexdigest()


def issue(secret_key: str, call_sid: str, now: datetime) -> str:
    expires = int((now + LIFETIME).timestamp())
    return f"{expires}.{_mac(secret_key, call_sid, expires)}"


def valid(secret_key: str, call_sid: str, token: object, now: datetime) -> bool:
    if not isinstance(token, str) or len(token) > 100 or "." not in token:
        return False
    expires_text, mac = token.split(".", 1)
    if not expires_text.isdigit() or int(expires_text) < now.timestamp():
        return False
    return hmac.compare_digest(_mac(secret_key, call_sid, int(expires_text)), mac)
