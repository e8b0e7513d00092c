"""X-Twilio-Signature checks against the public URL Twilio actually called.

Behind a proxy or a tunnel the URL the app sees (http://127.0.0.1:8000/...) differs from
the one Twilio signed (https://example.com/...), so the URL is rebuilt from
PUBLIC_BASE_URL + path + query.

The validator lives here, in the adapter, not in the runtime: it is built from the
account's auth token on first use and kept per token (`validator_for`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from starlette.datastructures import URL, ImmutableMultiDict
from twilio.request_validator import RequestValidator


def public_url(base_url: str, url: URL) -> str:
    return base_url + url.path + (f"?{url.query}" if url.query else "")


@lru_cache(maxsize=8)
def validator_for(auth_token: str) -> RequestValidator:
    """The validator for TWILIO_AUTH_TOKEN `auth_token` (built once per token)."""
    return RequestValidator(auth_token)


def is_valid(validator: RequestValidator, *, url: str, form: Sequence[tuple[str, str]],
             signature: str | None) -> bool:
    if not signature:
        return False
    # A multidict so that repeated keys are signed the way Twilio signs them (getlist).
    return bool(validator.validate(url, ImmutableMultiDict(form), signature))
