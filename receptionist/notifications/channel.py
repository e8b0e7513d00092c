"""A notification channel, in one place: how an owner's target is checked when the channel
is saved, how an outbox row is sent, and the error its sending raises. `email.py`,
`sms.py` and `webhook.py` each expose one `CHANNEL`; `channels.py` gathers them for
`service.add_channel` and `delivery`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import urllib3
    from sqlmodel import Session

    from receptionist.clock import Clock
    from receptionist.config import Settings
    from receptionist.outbound import Policy
    from receptionist.outbox.models import OutboxItem


class ChannelError(RuntimeError):
    """A row could not be sent; `permanent`: retrying will not help (it is given up)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class UnknownChannel(ChannelError):
    """A channel name no module declares (a row written by another version, a typo in
    the database): permanent, whatever the channel would have been."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"unknown notification channel {name!r} "
                         f"(known: {', '.join(known)})", permanent=True)
        self.name = name


class SmsSender(Protocol):
    """The provider's REST client, as far as text messages go (`notifications.sms`)."""

    def send_sms(self, *, to: str, sender: str, body: str) -> str:
        """Send one SMS; returns the provider's message id. Raises SmsError."""
        ...


class ChannelDeps(Protocol):
    """What sending needs from the running process (the runtime provides it)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def outbound(self) -> Policy: ...
    @property
    def telephony(self) -> SmsSender: ...
    @property
    def web_http(self) -> urllib3.PoolManager: ...
    @property
    def clock(self) -> Clock: ...


@dataclass(frozen=True)
class Letter:
    """What a row says, written: a subject, the text (the short one for a channel with
    `short_text`), its HTML ("" for none) and the JSON payload of a webhook."""

    subject: str
    text: str
    html: str
    payload: dict[str, object]


# The network part of a send, run on a sender thread with no transaction open; returns
# the provider's id of what it sent (or None). Raises the channel's error.
Send = Callable[[], "str | None"]
# The owner's target, the channel's signing secret and where URLs may lead (None: public
# addresses only) → the target to store. Raises ValueError, said to the owner as is.
CheckTarget = Callable[[str, "str | None", "Policy | None"], str]
# Everything but the network (reads only, the webhook secrets read once per channel and
# kept in the dict given): the row's send.
PrepareSend = Callable[["ChannelDeps", "Session", "OutboxItem", Letter, dict[int, str]],
                       Send]


@dataclass(frozen=True)
class Channel:
    name: str
    check_target: CheckTarget
    prepare_send: PrepareSend
    error: type[ChannelError]
    short_text: bool = False  # a call summary in its short form (a text message)
    signed: bool = False  # gets a signing secret when added (shown to the owner once)
