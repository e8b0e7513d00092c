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

from starlette.responses import Response

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


# A browser where an account logged in: the account-wide login limit does not hold it back
# (users.login_throttle), so guesses from many addresses cannot lock the owner out of it.
DEVICE_COOKIE = "rcp_device"
DEVICE_LIFETIME = timedelta(days=90)


def _device_mac(secret_key: str, account: str, expires: int) -> str:
    key = hashlib.sha256(b"receptionist/admin-device/v1\0" + secret_key.encode()).digest()
    return hmac.new(key, f"{account}:{expires}".encode(), hashlib.sha256).hexdigest()


def device_value(secret_key: str, account: str, now: datetime) -> str:
    """`account` is `login_throttle.account_key(email)`: the cookie names no email."""
    expires = int((now + DEVICE_LIFETIME).timestamp())
    return f"{account}.{expires}.{_device_mac(secret_key, account, expires)}"


def device_known(secret_key: str, cookie: str | None, account: str, now: datetime) -> bool:
    if not cookie or cookie.count(".") != 2:
        return False
    named, expires, mac = cookie.split(".")
    if not expires.isdigit() or len(expires) > 12:
        return False
    return (hmac.compare_digest(named, account) and int(expires) > now.timestamp()
            and hmac.compare_digest(mac, _device_mac(secret_key, account, int(expires))))


def set_device_cookie(response: Response, secret_key: str, account: str, now: datetime, *,
                      secure: bool) -> None:
    response.set_cookie(DEVICE_COOKIE, device_value(secret_key, account, now),
                        max_age=int(DEVICE_LIFETIME.total_seconds()), httponly=True,
                        samesite="strict", path="/admin/login", secure=secure)
