"""Every notification channel, by the name owners choose (`--channel email`) and outbox
rows carry. Adding a channel: a module beside this one with its `CHANNEL` (target check,
send, error type; see `channel.py`), and one line here."""

from __future__ import annotations

from receptionist.notifications import email, sms, webhook
from receptionist.notifications.channel import Channel, UnknownChannel

CHANNELS: dict[str, Channel] = {channel.name: channel for channel in (
    email.CHANNEL, sms.CHANNEL, webhook.CHANNEL)}


def channel_named(name: str) -> Channel:
    """The channel of that name; `UnknownChannel` (permanent) if none has it."""
    channel = CHANNELS.get(name)
    if channel is None:
        raise UnknownChannel(name, CHANNELS)
    return channel
