"""Which IP addresses an owner's URL may reach: public ones, or those of allowed networks.

Some IPv6 addresses carry an IPv4 address inside, and a gateway or tunnel delivers to it:
IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::). Their
IPv4 address is judged instead. Forms whose IPv4 part cannot be trusted or located are
refused unless an allowed network lists them: IPv4-compatible (::a.b.c.d, deprecated),
local-use NAT64 (64:ff9b:1::/48, any prefix length) and Teredo (2001::/32, whose client
address is scrambled).
"""

from __future__ import annotations

import ipaddress

from receptionist.catalog_text import CatalogText
from receptionist.config import Network
from receptionist.i18n import N_

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_OPAQUE: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (ipaddress.IPv6Network("::/96"), N_("refusal.url.ipv4_compatible")),
    (ipaddress.IPv6Network("64:ff9b:1::/48"), N_("refusal.url.nat64")),
    (ipaddress.IPv6Network("2001::/32"), N_("refusal.url.teredo")),
)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a gateway or tunnel would deliver `address` to, if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def refusal(address: Address, allowed: tuple[Network, ...]) -> CatalogText | None:
    """Why `address` may not be called, or None if it may."""
    if any(address in network for network in allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            why = refusal(inner, allowed)
            return None if why is None else CatalogText(N_("refusal.url.inside_ipv6"), why=why,
                                                        address=str(address))
        if address.is_global and not address.is_multicast:
            for network, name in _OPAQUE:
                if address in network:
                    return CatalogText(name, address=str(address))
    if not address.is_global or address.is_multicast:
        return CatalogText(N_("refusal.url.private"), address=str(address))
    return None
