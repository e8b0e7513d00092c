"""Posting an event as JSON to an owner's webhook (Slack/Teams relays, Zapier, a CRM).

Every request is signed so the receiver can check it came from us and is fresh:

    X-Receptionist-Timestamp: <unix seconds>
    X-Receptionist-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
    Idempotency-Key: <the same for every retry of one event>

The receiver recomputes the HMAC over the raw body with its secret, compares in constant
time, and rejects timestamps older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import urllib3

TIMEOUT_S = 10.0  # a receiver that takes longer is retried later


class WebhookError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def post_event(client: urllib3.PoolManager, *, url: str, secret: str,
               payload: dict[str, object], idempotency_key: str, timestamp: int) -> int:
    """urllib3 rather than httpx here: a third less CPU per request, which is what
    bounds delivery throughput (bench/outbox.py)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key,
               "X-Receptionist-Timestamp": str(timestamp),
               "X-Receptionist-Signature": signature(secret, timestamp, body),
               "User-Agent": "receptionist-webhook/1"}
    try:
        response = client.request("POST", url, body=body, headers=headers, redirect=False,
                                  retries=False, timeout=urllib3.Timeout(total=TIMEOUT_S))
    except (urllib3.exceptions.HTTPError, ValueError) as exc:
        raise WebhookError(f"webhook {url}: {type(exc).__name__}: {exc}",
                           permanent=False) from None
    code = response.status
    if code >= 300:
        text = response.data[:200].decode(errors="replace")
        raise WebhookError(f"webhook {url}: HTTP {code} {text}",
                           permanent=400 <= code < 500 and code not in (408, 409, 425, 429))
    return code
