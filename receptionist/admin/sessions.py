"""Admin sessions in a signed cookie, and CSRF tokens.

The cookie holds the user id, their session version (a password change or a logout ends
every older session), a CSRF token and an expiry, signed with HMAC-SHA256 under a key
derived from SECRET_KEY. Sessions end after IDLE without a request. Every form carries
the CSRF token, compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

COOKIE = "rcp_session"
IDLE = timedelta(hours=8)


@dataclass(frozen=True)
class SessionData:
    user_id: int | None  # None before login (the login form still has a CSRF token)
    version: int
    csrf: str
    expires: datetime


def _key(secret_key: str) -> bytes:
    return hashlib.sha256(b"receptionist/admin-session/v1\0" + secret_key.encode()).digest()


def new_session(user_id: int | None, version: int, now: datetime) -> SessionData:
    return SessionData(user_id=user_id, version=version, csrf=secrets.token_urlsafe(24),
                       expires=now + IDLE)


def encode(secret_key: str, data: SessionData) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(
        {"u": data.user_id, "v": data.version, "c": data.csrf,
         "e": int(data.expires.timestamp())}).encode()).decode()
    mac = hmac.new(_key(secret_key), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def decode(secret_key: str, cookie: str | None, now: datetime) -> SessionData | None:
    if not cookie or "." not in cookie:
        return None
    payload, mac = cookie.rsplit(".", 1)
    expected = hmac.new(_key(secret_key), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, mac):
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(payload.encode()))
        expires = datetime.fromtimestamp(int(raw["e"]), now.tzinfo)
        data = SessionData(user_id=raw["u"], version=int(raw["v"]), csrf=str(raw["c"]),
                           expires=expires)
    except (ValueError, KeyError, TypeError):
        return None
    return data if data.expires > now else None


def csrf_ok(data: SessionData | None, token: str | None) -> bool:
    return data is not None and token is not None and hmac.compare_digest(data.csrf, token)
