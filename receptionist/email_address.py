"""The one syntax check of an email address we send to (owners' notification channels).

An address is exactly `local@domain`: a dot-atom local part (RFC 5322 without quoted
strings or comments) and a host name of letters, digits and hyphens with at least one dot,
ASCII only, at most 254 characters (64 before the @). No display name ("Eve <…>"), list
("a@x, b@y"), space, control character or line break: such text, put in a To: header, adds
headers or recipients of its own. The standard library's parser must read it back as the
same single address, so that what we check is what smtplib sends.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address

MAX_LENGTH = 254
MAX_LOCAL = 64
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class InvalidAddress(ValueError):
    """Not one plain email address (the message quotes it, escaped)."""


def checked_address(address: str) -> str:
    """`address` itself if it is one plain address, else InvalidAddress."""
    if not _plain(address):
        raise InvalidAddress(f"not a valid email address: {address[:MAX_LENGTH + 10]!r}")
    return address


def _plain(address: str) -> bool:
    if len(address) > MAX_LENGTH or address.count("@") != 1:
        return False
    local, _, domain = address.partition("@")
    labels = domain.split(".")
    if (len(local) > MAX_LOCAL or not _LOCAL.fullmatch(local) or len(labels) < 2
            or not all(_LABEL.fullmatch(label) for label in labels)
            or labels[-1].isdigit()):
        return False
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, HeaderParseError):
        return False
    return parsed.addr_spec == address and not parsed.display_name
