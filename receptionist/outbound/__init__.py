"""Which addresses the server may call for an owner: webhook channels, CalDAV calendars and
iCalendar feeds.

An owner types those URLs, so they must not reach our own network (the database, cloud
metadata at 169.254.169.254, an admin port on loopback). A URL is read once, the way the
HTTP clients read it (`urls.parse_target`: ambiguous URLs are refused), and every address
its host resolves to must be public (`addresses.refusal`), unless its network is listed in
OUTBOUND_ALLOW_NETWORKS; dev mode (RECEPTIONIST_ENV=dev) also allows loopback, for the
local trial. Checked when the URL is saved and again each time it is used, since DNS
answers can change in between; `Policy.check` returns the normalised URL, which is the one
to store and to request.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from receptionist.config import Network, Settings, parse_networks
from receptionist.i18n import N_
from receptionist.outbound.addresses import Address, refusal
from receptionist.outbound.urls import OutboundRefused, Target, parse_target

__all__ = ["Address", "OutboundRefused", "Policy", "Resolver", "Target", "parse_target"]

Resolver = Callable[..., list[tuple[Any, ...]]]
_LOOPBACK: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.0/8"),
                                  ipaddress.ip_network("::1/128"))


@dataclass(frozen=True)
class Policy:
    allowed: tuple[Network, ...] = ()
    resolve: Resolver = socket.getaddrinfo

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        allowed = parse_networks(settings.outbound_allow_networks)
        return cls(allowed=allowed + (_LOOPBACK if settings.dev_mode else ()))

    def check(self, url: str) -> str:
        """The normalised URL to request, if every address of its host may be called;
        else OutboundRefused (said to the owner as is)."""
        target = parse_target(url)
        host = target.host
        try:
            found = self.resolve(host, target.port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise OutboundRefused(N_("refusal.url.no_such_host"), host=host) from None
        if not found:
            raise OutboundRefused(N_("refusal.url.no_such_host"), host=host)
        for *_, sockaddr in found:
            address: Address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            why = refusal(address, self.allowed)
            if why is not None:
                raise OutboundRefused(N_("refusal.url.not_public"), host=host, why=why)
        return target.url
