"""The names of cached local-voice prompts, and the public names that serve them.

`/twilio/prompts/<name>.wav` is public: Twilio fetches <Play> URLs without a signature we
could check. A prompt's text may hold a caller's name, number or booking, so neither name
may be computable from a text:
- the file's key is an HMAC of (voice, language, text) with a key derived from SECRET_KEY:
  whoever guesses "Hello Jane Roe" cannot tell whether it was said;
- the public name is that key, an expiry and an HMAC of both: the route serves only names
  our own TwiML (or the admin's preview) issued, until they expire.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

# Twilio fetches a <Play> URL when it reaches the verb: within seconds of our answer, or
# minutes later for the last prompt of a <Gather>, with retries. An hour covers that with
# room; a URL that leaked from a log or an old reply is of no use after it.
LIFETIME = timedelta(hours=1)
# Expiries are rounded up to a step, so a prompt's URL stays the same for that long:
# Twilio caches media by URL.
STEP = timedelta(minutes=10)
# How long a URL issued now may still be served: no file needs to outlive it.
SERVED_FOR = LIFETIME + STEP
KEY = re.compile(r"^[0-9a-f]{32}$")
NAME = re.compile(r"^([0-9a-f]{32})_([0-9]{1,12})_([0-9a-f]{32})$")


def _secret(secret_key: str, purpose: bytes) -> bytes:
    return hashlib.sha256(b"receptionist/prompts/" + purpose + b"/v1\0"
                          + secret_key.encode()).digest()


def file_key(secret_key: str, text: str, voice: str, language: str) -> str:
    """The cache's name for a prompt: 32 hex characters nobody can compute without
    SECRET_KEY."""
    message = f"{voice}\0{language}\0{text}".encode()
    return hmac.new(_secret(secret_key, b"file"), message, hashlib.sha256).hexdigest()[:32]


def _mac(secret_key: str, key: str, expires: int) -> str:
    message = f"{key}\0{expires}".encode()
    return hmac.new(_secret(secret_key, b"url"), message, hashlib.sha256).hexdigest()[:32]


def issue(secret_key: str, key: str, now: datetime) -> str:
    """The public name of the prompt `key`, served until at least LIFETIME from now."""
    step = int(STEP.total_seconds())
    expires = -(-int((now + LIFETIME).timestamp()) // step) * step
    return f"{key}_{expires}_{_mac(secret_key, key, expires)}"


def key_of(secret_key: str, name: str, now: datetime) -> str | None:
    """The file key a public name stands for; None when we did not issue it (another
    secret, a forged or altered name) or it has expired."""
    match = NAME.match(name)
    if match is None:
        return None
    key, expires, mac = match.group(1), int(match.group(2)), match.group(3)
    if expires < now.timestamp():
        return None
    return key if hmac.compare_digest(_mac(secret_key, key, expires), mac) else None
