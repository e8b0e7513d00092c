"""The languages callers and owners speak, and every sentence the service says, sends or
shows in them.

One way: `gettext(language, msgid, **fields)` (and `ngettext` for counts) reads the gettext
catalog `receptionist/locale/<lang>/LC_MESSAGES/messages.po` with Babel at first use (no
compile step). Message ids are keys (`call.no_input`); each catalog's text may hold
`{name}` fields, filled by `text_fields.fill` (one pass, no format specs, a value's braces
kept as they are). The supported languages are the catalogs present; a locale whose
language has none is spoken in English (`lang_key`). Dates, times, numbers and lists are
written with Babel's locale data (`format_date`, `format_time`, `format_decimal`,
`format_list`). Adding a language: ARCHITECTURE.md, "Languages"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from gettext import c2py
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from receptionist import text_fields

LOCALE_DIR = Path(__file__).parent / "locale"
FALLBACK = "en"


def _present() -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return tuple([FALLBACK, *(lang for lang in found if lang != FALLBACK)])


# The supported languages: one per catalog, English first (the fallback).
LANGUAGES: tuple[str, ...] = _present()


def spoken_locale(lang: str) -> str:
    """The locale a language is spoken in when nothing says which ("fr" -> "fr-FR",
    "en" -> "en-US"): CLDR's likely subtags."""
    likely = Locale.parse(get_global("likely_subtags").get(lang, lang))
    return f"{likely.language}-{likely.territory}" if likely.territory else likely.language


def language_name(lang: str) -> str:
    """A language's name in itself, as a menu of languages shows it ("English",
    "Français")."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


# Where the business's language cannot be known (a number no business owns, the
# fallback flow without its database): a sentence in each, English first.
SPOKEN_LOCALES: tuple[str, ...] = tuple(spoken_locale(lang) for lang in LANGUAGES)


def lang_key(language: str) -> str:
    """The supported language a locale means: "fr-CA" -> "fr"; one without a catalog -> "en"."""
    primary = language.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else FALLBACK


@cache
def _catalog(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


@cache
def _texts(lang: str) -> Mapping[str, str | tuple[str, ...]]:
    """msgid -> its text (a tuple of plural forms for plural messages), read once."""
    catalog = _catalog(lang)
    texts: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if isinstance(message.string, str):
            if message.string:
                texts[key] = message.string
        elif message.string and all(message.string):
            texts[key] = tuple(message.string)
    return texts


def load_catalogs(languages: Iterable[str] = LANGUAGES) -> None:
    """Read the catalogs of `languages` (and the fallback's) now rather than at their first
    message (a web process warms them before it says it is ready)."""
    for lang in {FALLBACK, *(lang_key(language) for language in languages)}:
        _texts(lang)


def _lookup(lang: str, msgid: str) -> str | tuple[str, ...]:
    found = _texts(lang).get(msgid)
    if found is None:
        found = _texts(FALLBACK).get(msgid)
    if found is None:
        raise KeyError(f"no message {msgid!r} in the catalogs")
    return found


def gettext(language: str, msgid: str, **fields: object) -> str:
    """The message in the language of this locale (English when it has no translation),
    its `{fields}` filled in."""
    text = _lookup(lang_key(language), msgid)
    if isinstance(text, tuple):
        text = text[0]
    return _fill(text, fields)


def ngettext(language: str, msgid: str, plural: str, n: int, **fields: object) -> str:
    """The plural form of the message for `n` in this language's rule (the catalog's
    `Plural-Forms`); `{n}` is filled with the number written in the locale's way, as are the
    other fields. `plural` is the entry's `msgid_plural` (by convention `msgid + "_plural"`):
    only `pybabel extract` reads it."""
    lang = lang_key(language)
    forms = _lookup(lang, msgid)
    if isinstance(forms, str):
        forms = (forms,)
    index = _plural_index(lang if msgid in _texts(lang) else FALLBACK, n)
    text = forms[min(index, len(forms) - 1)]
    return _fill(text, {"n": format_decimal(language, n), **fields})


@cache
def _plural_rule(lang: str) -> Callable[[int], int]:
    """The catalog's `Plural-Forms` expression: n -> the index of the form to use."""
    return c2py(_catalog(lang).plural_expr)


def _plural_index(lang: str, n: int) -> int:
    return _plural_rule(lang)(n)


def N_(msgid: str) -> str:
    """Marks a message id kept in a table for `pybabel extract`; returns it unchanged."""
    return msgid


def _fill(text: str, fields: Mapping[str, object]) -> str:
    return text_fields.fill(text, {k: str(v) for k, v in fields.items()}) if fields else text


def msgids(lang: str) -> frozenset[str]:
    """The message ids the catalog of one supported language translates."""
    return frozenset(_texts(lang))


# Babel's locale data: how a locale writes dates, times, numbers and lists.

def locale(language: str) -> Locale:
    """Babel's locale for a locale tag ("fr-FR", "en_US", "fr"); English if unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


def load_locale_data(languages: Iterable[str]) -> None:
    """Read Babel's data of each locale now (a pickle per locale and its parents, read at
    the first date, time, number or list it writes: about 0.1 s each), as a web process's
    warm-up does, rather than during the first caller's booking offer."""
    for language in set(languages):
        moment = dt.datetime(2000, 1, 3, 9, 30)
        format_moment(language, moment, "EEEE d MMMM y HH:mm")
        format_time(language, moment)
        format_decimal(language, 1.5)
        format_list(language, ["a", "b"])
        locale(language).ordinal_form(1)


def format_date(language: str, day: dt.date, form: str = "medium") -> str:
    """A date as the locale writes it (`form`: short, medium, long, full or a CLDR pattern
    such as "EEE d MMM")."""
    return babel_dates.format_date(day, form, locale=locale(language))


def format_moment(language: str, moment: dt.date | dt.datetime, pattern: str) -> str:
    """A date, or a datetime in its own zone, by a CLDR pattern ("EEE dd MMM y HH:mm":
    "Fri 04 Dec 2026 09:30" / « ven. 04 déc. 2026 09:30 »)."""
    if isinstance(moment, dt.datetime):
        return babel_dates.format_datetime(moment, pattern, locale=locale(language))
    return babel_dates.format_date(moment, pattern, locale=locale(language))


def format_day(language: str, day: dt.date) -> str:
    """A day with its weekday, as the locale writes it: "Fri, Dec 4, 2026" /
    « ven. 4 déc. 2026 »."""
    return babel_dates.format_skeleton("yMMMEd", day, locale=locale(language))


def format_when(language: str, moment: dt.datetime) -> str:
    """A moment in its own zone, day and time as the locale joins them: "Fri, Dec 4, 2026,
    2:05 PM" / « ven. 4 déc. 2026, 14:05 »."""
    where = locale(language)
    joined = str(babel_dates.get_datetime_format("medium", locale=where))
    return joined.replace("{1}", format_day(language, moment)).replace(
        "{0}", babel_dates.format_time(moment, "short", locale=where))


def format_time(language: str, moment: dt.time | dt.datetime, form: str = "short") -> str:
    return babel_dates.format_time(moment, form, locale=locale(language))


def format_decimal(language: str, number: float | int) -> str:
    return babel_numbers.format_decimal(number, locale=locale(language))


def format_list(language: str, items: Sequence[str], style: str = "standard") -> str:
    """["a", "b", "c"] -> "a, b, and c" / « a, b et c »."""
    return babel_lists.format_list(list(items), style, locale=locale(language))  # type: ignore[arg-type]
