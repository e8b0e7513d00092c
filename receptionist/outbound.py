"""Which addresses the server may call for an owner: webhook channels and CalDAV calendars.

An owner types those URLs, so they must not reach our own network (the database, cloud
metadata at 169.254.169.254, an admin port on loopback). Every address a host name resolves
to must be public, unless its network is listed in OUTBOUND_ALLOW_NETWORKS; dev mode
(RECEPTIONIST_ENV=dev) also allows loopback, for the local trial. Checked when the URL is
saved and again each time it is used, since DNS answers can change in between.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from receptionist.config import Network, Settings, parse_networks

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]
_LOOPBACK: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.0/8"),
                                  ipaddress.ip_network("::1/128"))


class OutboundRefused(ValueError):
    """The URL may not be called (said to the owner as is)."""


@dataclass(frozen=True)
class Policy:
    allowed: tuple[Network, ...] = ()
    resolve: Resolver = socket.getaddrinfo

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        allowed = parse_networks(settings.outbound_allow_networks)
        return cls(allowed=allowed + (_LOOPBACK if settings.dev_mode else ()))

    def check(self, url: str) -> None:
        """Return if every address of the URL's host may be called, else raise."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise OutboundRefused("not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundRefused("the URL must be http:// or https:// with a host name")
        host = parts.hostname
        try:
            found = self.resolve(host, port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise OutboundRefused(f"the host {host!r} does not resolve") from None
        if not found:
            raise OutboundRefused(f"the host {host!r} does not resolve")
        for *_, sockaddr in found:
            self._check_address(host, str(sockaddr[0]))

    def _check_address(self, host: str, text: str) -> None:
        address: Address = ipaddress.ip_address(text.split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self.allowed):
            return
        if not address.is_global or address.is_multicast:
            raise OutboundRefused(
                f"{host} is at {address}, a private, loopback, link-local or reserved "
                "address: only public addresses can be called (an administrator can allow "
                "a network with OUTBOUND_ALLOW_NETWORKS)")
