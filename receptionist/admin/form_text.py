"""What a person may type into a form field that becomes part of a call script.

Text typed in a form is data, but it is written into YAML, where some characters are
structure: a lone carriage return, NEL (U+0085) and the Unicode line and paragraph
separators (U+2028, U+2029) are line breaks to a YAML reader, yet an emitter may write
them raw inside a block scalar, so that what follows them is read as new keys. Other
control and format characters (NUL, escapes, bidirectional overrides, zero-width
characters, a byte-order mark) have no place in a spoken text and hide what a page shows.
So a field holds printable text only; a field that is several lines long (a textarea)
may hold line breaks, which browsers send as CRLF: those become `\\n` first."""

from __future__ import annotations

import unicodedata

# Control, format, surrogate, line and paragraph separator.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def normalised(text: str) -> str:
    """Line breaks as `\\n` (a browser's textarea sends CRLF)."""
    return text.replace("\r\n", "\n")


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def refused_character(text: str, *, multiline: bool) -> str | None:
    """The first character the field may not hold, as `U+XXXX` (None: the text is fine).
    `\\n` is allowed in a multi-line field, after `normalised`."""
    for char in text:
        if char == "\n" and multiline:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES or _noncharacter(ord(char)):
            return f"U+{ord(char):04X}"
    return None
