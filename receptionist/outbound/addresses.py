"""Which IP addresses an owner's URL may reach: public ones, or those of allowed networks."""

from __future__ import annotations

import ipaddress

from receptionist.config import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def refusal(address: Address, allowed: tuple[Network, ...]) -> str | None:
    """Why `address` may not be called, or None if it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return None
    if not address.is_global or address.is_multicast:
        return f"{address}, a private, loopback, link-local or reserved address"
    return None
