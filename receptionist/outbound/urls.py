"""One reading of an owner's URL: the one the HTTP clients will act on.

urllib, httpx and urllib3 split some URLs differently: in `http://127.0.0.1:8615\\@8.8.8.8/`
urllib and httpx see the host 8.8.8.8 while urllib3 (and requests) connect to 127.0.0.1.
So a URL is read by httpx's parser, refused if it holds anything parsers are known to read
differently (backslashes, user info, spaces and control characters, percent signs or
shorthand numbers in the host), refused again if urllib, httpx and urllib3 do not all find
the same scheme, host and port, and given back normalised: callers request that normalised
URL, so what was checked is what is fetched.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from urllib3.util import parse_url

from receptionist.catalog_text import Refused
from receptionist.i18n import N_

DEFAULT_PORTS = {"http": 80, "https": 443}
# A host name once IDNA-encoded: letters, digits, "-" and "_" in dot-separated labels.
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_NUMBERS = re.compile(r"(0x[0-9a-f]*|[0-9]+)")


class OutboundRefused(Refused):
    """The URL may not be called (said to the owner as is)."""


@dataclass(frozen=True)
class Target:
    """Where a request will go: `url` is the normalised URL to request; `host` is ASCII
    (IDNA-encoded; an IPv6 address without brackets)."""

    url: str
    scheme: str
    host: str
    port: int


Reading = tuple[str, str, int, bool]  # scheme, host, port, has user info


@functools.lru_cache(maxsize=1024)
def parse_target(text: str) -> Target:
    """The normalised target of `text`, or OutboundRefused saying what is wrong with it.
    Cached (it is pure and httpx's parser is slow next to a webhook delivery); refusals
    are not cached, only raised."""
    typed = text.strip()
    if not typed:
        raise OutboundRefused(N_("refusal.url.empty"))
    odd = next((c for c in typed
                if c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if odd is not None:
        raise OutboundRefused(N_("refusal.url.space_or_control"), character=repr(odd))
    if "\\" in typed:
        raise OutboundRefused(N_("refusal.url.backslash"))
    try:
        url = httpx.URL(typed)
    except httpx.InvalidURL as exc:
        raise OutboundRefused(N_("refusal.url.invalid"), reason=str(exc)) from None
    if url.scheme not in DEFAULT_PORTS or not url.host:
        raise OutboundRefused(N_("refusal.url.scheme"))
    if url.userinfo or "@" in url.netloc.decode("ascii"):
        raise OutboundRefused(N_("refusal.url.userinfo"))
    if url.port is not None and not 0 < url.port < 65536:
        raise OutboundRefused(N_("refusal.url.port"), port=url.port)
    host = url.raw_host.decode("ascii")
    _check_host(host)
    # The fragment is never sent: dropped (copy_with also drops a default port).
    target = Target(url=str(url.copy_with(fragment=None)), scheme=url.scheme, host=host,
                    port=url.port or DEFAULT_PORTS[url.scheme])
    expected: Reading = (target.scheme, target.host, target.port, False)
    typed_host = _urllib(typed)
    readings = [_urllib(target.url), _urllib3(target.url)]
    # What urllib reads in the typed URL: an IDN host stays in Unicode there.
    if typed_host[1] == url.host:
        typed_host = (typed_host[0], host, *typed_host[2:])
    if any(reading != expected for reading in [typed_host, *readings]):
        raise OutboundRefused(N_("refusal.url.ambiguous"))
    return target


def _check_host(host: str) -> None:
    if ":" in host:  # an IPv6 address, which httpx has checked
        if "%" in host:
            raise OutboundRefused(N_("refusal.url.ipv6_zone"))
        return
    if "%" in host:
        raise OutboundRefused(N_("refusal.url.percent_host"))
    if len(host) > 253 or not _HOST_NAME.fullmatch(host):
        raise OutboundRefused(N_("refusal.url.host_name"), host=repr(host))
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if _NUMBERS.fullmatch(last):
        # 127.1, 2130706433, 0x7f.1, 0177.0.0.1: resolvers read these as addresses, each
        # in its own way. Only the plain four-number form is accepted.
        try:
            plain = str(ipaddress.IPv4Address(host)) == host
        except ValueError:
            plain = False
        if not plain:
            raise OutboundRefused(N_("refusal.url.ipv4_form"), host=repr(host))


def _urllib(text: str) -> Reading:
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        return ("", "", 0, False)
    return (scheme, parts.hostname or "", port, parts.username is not None)


def _urllib3(text: str) -> Reading:
    try:
        parts = parse_url(text)
    except ValueError:
        return ("", "", 0, False)
    scheme = (parts.scheme or "").lower()
    host = (parts.host or "").removeprefix("[").removesuffix("]")
    return (scheme, host, parts.port or DEFAULT_PORTS.get(scheme, 0), parts.auth is not None)

