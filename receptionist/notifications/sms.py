"""Text messages: the SMS channel, and what delivery needs from a provider
(`twilio.rest.TwilioRest` is one)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.calls.models import Call
from receptionist.catalog_text import Refused
from receptionist.i18n import N_
from receptionist.notifications.channel import (
    Channel,
    ChannelDeps,
    ChannelError,
    Letter,
    Send,
)
from receptionist.outbound import Policy
from receptionist.outbox.models import OutboxItem
from receptionist.tenants.models import TenantNumber


class SmsError(ChannelError):
    """`permanent`: retrying will not help (e.g. an invalid number)."""


def check_target(target: str, secret: str | None, outbound: Policy | None) -> str:
    if not (target.startswith("+") and target[1:].isdigit()):
        raise Refused(N_("refusal.channel.sms_target"), example="+15551234567")
    return target


def prepare_send(deps: ChannelDeps, session: Session, item: OutboxItem, letter: Letter,
                 secrets: dict[int, str]) -> Send:
    sender = item.sender or _business_number(session, item)
    text = plain_spaces(letter.text)
    return lambda: deps.telephony.send_sms(to=item.recipient, sender=sender,
                                           body=text[:1500])


# French typography puts narrow no-break spaces before « : ; ! ? »; the SMS alphabet
# (GSM 03.38) has none, and one such character sends the whole text as UCS-2, in
# segments of 70 characters instead of 160.
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def plain_spaces(text: str) -> str:
    """`text` with its no-break spaces made plain, for the SMS alphabet."""
    return text.translate(_SPACES)


def _business_number(session: Session, item: OutboxItem) -> str:
    call = session.get(Call, item.call_id) if item.call_id else None
    if call is not None:
        return call.to_number
    number = session.execute(select(col(TenantNumber.number)).where(
        col(TenantNumber.tenant_id) == item.tenant_id)).scalar()
    return str(number or "")


CHANNEL = Channel("sms", check_target, prepare_send, SmsError, short_text=True)
