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
from sqlmodel import Session

from receptionist.catalog_text import Refused
from receptionist.i18n import N_
from receptionist.notifications.channel import (
    Channel,
    ChannelDeps,
    ChannelError,
    Letter,
    Send,
)
from receptionist.notifications.models import NotificationChannel
from receptionist.outbound import OutboundRefused, Policy
from receptionist.outbox.models import OutboxItem
from receptionist.secret_box import SecretError, unseal

TIMEOUT_S = 10.0  # a receiver that takes longer is retried later


class WebhookError(ChannelError):
    """`permanent`: retrying will not help (the receiver refused it, the secret is gone)."""


def check_target(target: str, secret: str | None, outbound: Policy | None) -> str:
    """The URL as checked (normalised), stored as such."""
    if not target.startswith(("https://", "http://")):
        raise Refused(N_("refusal.channel.webhook_target"))
    target = (outbound or Policy()).check(target)
    if not secret:
        raise Refused(N_("refusal.channel.webhook_secret"))
    return target


def prepare_send(deps: ChannelDeps, session: Session, item: OutboxItem, letter: Letter,
                 secrets: dict[int, str]) -> Send:
    secret = _secret(deps, session, item, secrets)
    timestamp = int(deps.clock().timestamp())
    payload = letter.payload

    def post() -> str:
        try:  # again at each use: the host's DNS answer may have changed since
            url = deps.outbound.check(item.recipient)
        except OutboundRefused as exc:
            raise WebhookError(f"webhook {item.recipient}: {exc}", permanent=False) from None
        status = post_event(deps.web_http, url=url, secret=secret,
                            payload=payload, idempotency_key=item.idempotency_key,
                            timestamp=timestamp)
        return f"HTTP {status}"
    return post


def _secret(deps: ChannelDeps, session: Session, item: OutboxItem,
            secrets: dict[int, str]) -> str:
    """The channel's signing secret, read once per channel (kept in `secrets`)."""
    if item.channel_id is None:
        raise WebhookError("the webhook channel is gone", permanent=True)
    if item.channel_id not in secrets:
        channel = session.get(NotificationChannel, item.channel_id)
        try:
            secrets[item.channel_id] = (unseal(deps.settings.secret_key, channel.secret)
                                        if channel is not None and channel.secret else "")
        except SecretError as exc:
            raise WebhookError(str(exc), permanent=True) from None
    if not secrets[item.channel_id]:
        raise WebhookError("the webhook channel has no secret", permanent=True)
    return secrets[item.channel_id]


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


CHANNEL = Channel("webhook", check_target, prepare_send, WebhookError, signed=True)
