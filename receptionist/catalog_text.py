"""A sentence of the catalogs kept as its message id and fields until someone reads it.

Services refuse in every language at once: they raise `Refused(N_("refusal.…"), **fields)`
(or a subclass), whose `str()` is the English catalog text (what the CLI and the JSON API
print) and whose `text.in_language(language)` is what the admin UI shows. A field may be
a `CatalogText` itself (a reason inside a prefix: "not moved: <reason>"): it is written in
the same language. Notices (what a form did) are `CatalogText`s too; `encode` / `decode`
carry one through a redirect's query string."""

from __future__ import annotations

import json
from collections.abc import Mapping

from receptionist import i18n


class CatalogText:
    """A message id and its fields; `str()` is its English text."""

    __slots__ = ("fields", "msgid")

    def __init__(self, msgid: str, **fields: str | int | CatalogText) -> None:
        self.msgid = msgid
        self.fields: Mapping[str, str | int | CatalogText] = fields

    def in_language(self, language: str) -> str:
        return i18n.gettext(language, self.msgid,
                            **{name: in_language(value, language)
                               for name, value in self.fields.items()})

    def __str__(self) -> str:
        return self.in_language(i18n.FALLBACK)

    def __repr__(self) -> str:
        return f"CatalogText({self.msgid!r}, {dict(self.fields)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CatalogText) and (self.msgid, dict(self.fields)) == (
            other.msgid, dict(other.fields))

    def __hash__(self) -> int:
        return hash(self.msgid)

    def encode(self) -> str:
        """As JSON (a notice in a signed query string): `decode` reads it back."""
        return json.dumps(self._plain(), ensure_ascii=False, separators=(",", ":"))

    def _plain(self) -> list[object]:
        return [self.msgid, {name: value._plain() if isinstance(value, CatalogText)
                             else str(value) for name, value in self.fields.items()}]


class Refused(ValueError):
    """A refusal whose reason is a catalog message: `str()` in English (CLI, API),
    `text` for any other language. Existing error classes derive from it."""

    def __init__(self, msgid: str, **fields: str | int | CatalogText) -> None:
        self.text = CatalogText(msgid, **fields)
        super().__init__(str(self.text))


def in_language(value: object, language: str) -> str:
    """A catalog text (or a refusal) in `language`; anything else as it came (an
    unexpected library error is shown in its own words, never dropped)."""
    if isinstance(value, Refused):
        return value.text.in_language(language)
    if isinstance(value, CatalogText):
        return value.in_language(language)
    return str(value)


def said(exc: BaseException) -> CatalogText | str:
    """What to show of an exception: its catalog text, else its own words."""
    return exc.text if isinstance(exc, Refused) else str(exc)


def decode(encoded: str) -> CatalogText | str:
    """A notice written by `CatalogText.encode`; a text that is not one (or names a message
    the catalogs no longer hold) is kept as it came."""
    try:
        text = _text(json.loads(encoded))
    except (ValueError, TypeError):
        return encoded
    return text if text is not None else encoded


def _text(plain: object) -> CatalogText | None:
    if not (isinstance(plain, list) and len(plain) == 2 and isinstance(plain[0], str)
            and isinstance(plain[1], dict) and plain[0] in i18n.msgids(i18n.FALLBACK)):
        return None
    fields: dict[str, str | int | CatalogText] = {}
    for name, value in plain[1].items():
        if isinstance(value, str):
            fields[name] = value
        else:
            nested = _text(value)
            if nested is None:
                return None
            fields[name] = nested
    return CatalogText(plain[0], **fields)
