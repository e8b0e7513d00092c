"""Sending one email (plain text + HTML) through the SMTP server of SMTP_URL.

SMTP_URL: `smtp://[user:password@]host[:port]` uses STARTTLS when the server offers it
(`?starttls=require` refuses a server that doesn't), `smtps://…` is TLS from the first
byte (port 465). Certificates are verified; `?cafile=/path/ca.pem` trusts a private CA.
SMTP_FROM is the sender address.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from sqlmodel import Session

from receptionist.catalog_text import CatalogText, Refused
from receptionist.config import Settings
from receptionist.email_address import InvalidAddress, checked_address
from receptionist.i18n import N_
from receptionist.notifications import email_html
from receptionist.notifications.channel import (
    Channel,
    ChannelDeps,
    ChannelError,
    Letter,
    Send,
)
from receptionist.outbound import Policy
from receptionist.outbox.models import OutboxItem

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Why an email target is refused (the example is not translated).
EMAIL_TARGET = CatalogText(N_("refusal.channel.email_target"), example="owner@example.com")


# What an email "sent" in dev mode without SMTP_URL records as its Message-ID: it is shown
# on the admin's dev outbox page and goes nowhere.
DEV_OUTBOX = "dev-outbox"


class EmailError(ChannelError):
    """`permanent`: retrying will not help (a refused recipient, an address that is not
    one)."""


def check_target(target: str, secret: str | None, outbound: Policy | None) -> str:
    try:
        checked_address(target)
    except InvalidAddress:
        raise Refused(EMAIL_TARGET.msgid, **EMAIL_TARGET.fields) from None
    return target


def prepare_send(deps: ChannelDeps, session: Session, item: OutboxItem, letter: Letter,
                 secrets: dict[int, str]) -> Send:
    return lambda: send_email(deps.settings, to=item.recipient,
                              subject=letter.subject or item.kind, text=letter.text,
                              html=letter.html or email_html.plain(letter.text),
                              idempotency_key=item.idempotency_key)


def send_email(settings: Settings, *, to: str, subject: str, text: str, html: str,
               idempotency_key: str, timeout_s: float = 15.0) -> str:
    """Returns the Message-ID. An address that is not one plain address (a channel saved
    before the check, line breaks that would add headers) is a permanent failure."""
    try:
        checked_address(to)
    except InvalidAddress as exc:
        raise EmailError(str(exc), permanent=True) from None
    if not settings.smtp_url:
        if settings.dev_mode:  # a local trial: kept for the admin's dev outbox, not sent
            return DEV_OUTBOX
        raise EmailError("SMTP_URL is not set", permanent=False)
    url = urlsplit(settings.smtp_url)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise EmailError("SMTP_URL must look like smtp://user:password@host:587",
                         permanent=False)
    message = EmailMessage()
    try:
        message["From"] = settings.smtp_from
    except ValueError:  # the setting is wrong, not this message: retried once it is fixed
        raise EmailError("SMTP_FROM is not an address", permanent=False) from None
    message["To"] = to
    message["Subject"] = one_line(subject)
    message["Message-ID"] = make_msgid(domain="receptionist")
    # Lets a receiving system drop a duplicate should a crash make us send twice.
    message["X-Receptionist-Idempotency-Key"] = idempotency_key
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    query = parse_qs(url.query)
    require_tls = query.get("starttls", ["auto"])[0] == "require"
    context = ssl.create_default_context(cafile=query.get("cafile", [None])[0])
    try:
        if url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname, url.port or 465,
                                                    timeout=timeout_s, context=context)
        else:
            client = smtplib.SMTP(url.hostname, url.port or 587, timeout=timeout_s)
        with client:
            client.ehlo()
            if url.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif require_tls and url.scheme == "smtp":
                raise EmailError("the SMTP server does not offer STARTTLS", permanent=False)
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise EmailError(f"recipient refused: {exc.recipients}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise EmailError(f"SMTP: {type(exc).__name__}: {exc}", permanent=False) from None
    return str(message["Message-ID"])


def one_line(text: str) -> str:
    """A header value from any text (a caller's name in a subject): line breaks and other
    control characters would end the header and start another."""
    return _CONTROL.sub("", " ".join(text.split()))


CHANNEL = Channel("email", check_target, prepare_send, EmailError)
