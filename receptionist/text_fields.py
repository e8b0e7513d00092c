"""Fields in the texts of a script (`say` texts, a transfer's `announce`): `{name}` for a
fixed set of names, `{{` and `}}` for a literal brace, and nothing else.

Never `str.format`: a format spec (`{caller:>100000000}`), a conversion (`{said!r}`), an
attribute (`{caller.__class__}`) or an index (`{said[0]}`) is a script problem, found when
the script is checked (with its line, through the step kind's `problems`). Filling is one
pass that cannot raise: the result is the text with each field replaced by its value, so
it is never longer than the text plus the values, and a value's own braces stay as they
are (a caller's words are never read as a template)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# A field's name; what follows it must be `}` (anything else is a format, an attribute…).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACE = re.compile(r"[{}]")
# What is shown of a malformed field in a problem.
_SHOWN = 40


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Malformed:
    """A brace that opens no valid field (the reason says how to write one)."""

    raw: str  # as written, up to its closing brace (or the end of the text)
    reason: str

    @property
    def shown(self) -> str:
        return self.raw if len(self.raw) <= _SHOWN else self.raw[:_SHOWN] + "…"


Piece = str | Field | Malformed


def pieces(text: str) -> Iterator[Piece]:
    """The text as literal runs, fields and malformed braces, left to right."""
    literal: list[str] = []
    at, end = 0, len(text)
    while at < end:
        brace = _next_brace(text, at)
        literal.append(text[at:brace])
        if brace == end:
            break
        if text.startswith("{{", brace) or text.startswith("}}", brace):
            literal.append(text[brace])
            at = brace + 2
            continue
        if "".join(literal):
            yield "".join(literal)
        literal = []
        if text[brace] == "}":
            yield Malformed("}", "a lone `}`: write `}}` for a brace")
            at = brace + 1
            continue
        name = _NAME.match(text, brace + 1)
        after = name.end() if name else brace + 1
        if name and text.startswith("}", after):
            yield Field(name.group())
            at = after + 1
            continue
        close = text.find("}", brace + 1)
        stop = end if close < 0 else close + 1
        yield Malformed(text[brace:stop], _why(text, brace, close))
        at = stop
    if "".join(literal):
        yield "".join(literal)


def _next_brace(text: str, start: int) -> int:
    found = _BRACE.search(text, start)
    return found.start() if found else len(text)


def _why(text: str, brace: int, close: int) -> str:
    if close < 0:
        return "a `{` that is never closed: write `{{` for a brace"
    inside = text[brace + 1:close]
    if not inside:
        return "an empty field `{}`: name a field, or write `{{}}` for braces"
    return ("a field is only its name in braces, such as {caller_name}: no format, "
            "conversion, attribute or index (write `{{` and `}}` for braces)")


def fields(text: str) -> set[str]:
    """The names of the fields a text uses."""
    return {p.name for p in pieces(text) if isinstance(p, Field)}


def problems(text: str, allowed: frozenset[str]) -> list[str]:
    """Why the text is not a valid template with these field names (empty: it is)."""
    found: list[str] = []
    for piece in pieces(text):
        if isinstance(piece, Malformed):
            found.append(f"malformed field {piece.shown}: {piece.reason}")
        elif isinstance(piece, Field) and piece.name not in allowed:
            names = [f"{{{n}}}" for n in sorted(allowed)]
            listed = (", ".join(names[:-1]) + " or " + names[-1]) if len(names) > 1 \
                else "".join(names)
            found.append(f"unknown field {{{piece.name}}} (use {listed})")
    return found


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known field replaced by its value. Total: an unknown field or a
    malformed brace (a script the checks refuse) is kept as written."""
    out: list[str] = []
    for piece in pieces(text):
        if isinstance(piece, Field):
            value = values.get(piece.name)
            out.append(str(value) if value is not None else "{" + piece.name + "}")
        elif isinstance(piece, Malformed):
            out.append(piece.raw)
        else:
            out.append(piece)
    return "".join(out)
