"""Finding 4: IPv6 forms that carry an IPv4 address passed the outbound policy: a name
resolving to ::127.0.0.1 (IPv4-compatible), 64:ff9b::7f00:1 (NAT64), 2002:7f00:1::1
(6to4) or 64:ff9b:1::… (local-use NAT64) was "public". The IPv4 address inside is now
judged, and the forms whose IPv4 part cannot be located or trusted are refused unless an
allowed network lists them."""

from __future__ import annotations

import ipaddress

import pytest

from receptionist.outbound import OutboundRefused, Policy
from tests.conftest import resolving

HOST = "hooks.example.com"
INTERNAL_INSIDE = [
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "::10.0.0.5",
    "::ffff:169.254.169.254",  # IPv4-mapped, cloud metadata
    "64:ff9b::7f00:1",  # NAT64 well-known prefix, 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64, 169.254.169.254
    "64:ff9b:1::7f00:1",  # local-use NAT64 (RFC 8215)
    "64:ff9b:1:7f00:1::",  # the same, IPv4 at another prefix length
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:5::1",  # 6to4 of 10.0.0.5
    "2001:0:7f00:1::1",  # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo, client 192.0.2.45
]


@pytest.mark.parametrize("address", INTERNAL_INSIDE)
def test_ipv4_inside_ipv6_is_judged(address: str) -> None:
    with pytest.raises(OutboundRefused, match="only public addresses"):
        Policy(resolve=resolving({HOST: address})).check(f"https://{HOST}/hook")


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1",
                                     "::ffff:8.8.8.8", "2606:4700::6810:84e5"])
def test_public_ipv4_inside_ipv6_may_be_called(address: str) -> None:
    assert Policy(resolve=resolving({HOST: address})).check(f"https://{HOST}/hook") == (
        f"https://{HOST}/hook")


def test_an_allowed_network_lists_them() -> None:
    """An administrator who runs NAT64 inside lists its prefix; dev mode's loopback
    reaches 127.0.0.1 through the forms that embed it."""
    local_nat64 = Policy(allowed=(ipaddress.ip_network("64:ff9b:1::/48"),),
                         resolve=resolving({HOST: "64:ff9b:1::7f00:1"}))
    local_nat64.check(f"https://{HOST}/")
    loopback = Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),),
                      resolve=resolving({HOST: "64:ff9b::7f00:1"}))
    loopback.check(f"https://{HOST}/")
    with pytest.raises(OutboundRefused):
        Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),),
               resolve=resolving({HOST: "2002:a00:5::1"})).check(f"https://{HOST}/")
