"""The gettext catalogs (`receptionist/locale/`) against the code that reads them."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import receptionist
from receptionist import i18n, text_fields
from receptionist.i18n import LANGUAGES, gettext, lang_key, msgids

PACKAGE = Path(receptionist.__file__).parent
# The message id's position in each lookup (babel.cfg and README's extract command agree).
MSGID_ARG = {"gettext": 1, "ngettext": 1, "N_": 0}
# The modules that look up an id from a table of N_-marked ids (the table's module named).
READ_FROM_TABLES = {
    "admin/texts.py",  # the templates' t('admin.…'), COMPUTED
    "admin/call_words.py",  # OUTCOME_WORDS, the story's words by fact
    "admin/script_words.py",  # STEP_KINDS, meaning.LABELS
    "appointments/spoken.py",  # DAY_OF_MONTH
    "appointments/texts.py",  # SMS
    "notifications/summaries.py",  # ORDINALS
    "call_flows/meaning.py",  # LABELS
    "call_flows/announce.py",  # meaning.LABELS
    "catalog_text.py",  # CatalogText / Refused(N_("refusal.…"), **fields): checked below
    "call_flows/steps/menu.py",  # meaning.INSTEAD, OUT_OF_SCOPE
    "call_flows/menu_keys.py",  # meaning.LABELS, _KEY_NAMES
}


def _calls() -> list[tuple[str, int, ast.expr]]:
    """(file, line, msgid argument) of every gettext / ngettext call in the package."""
    return [(f, line, call.args[MSGID_ARG[_name(call)]]) for f, line, call in _call_nodes()]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else ""


def _call_nodes() -> list[tuple[str, int, ast.Call]]:
    found: list[tuple[str, int, ast.Call]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            if name in MSGID_ARG and len(node.args) > MSGID_ARG[name]:
                found.append((str(path.relative_to(PACKAGE)), node.lineno, node))
    return found


def test_the_code_names_its_messages_literally() -> None:
    # `pybabel extract` sees only literal ids: a computed one would be dropped from the
    # catalogs at the next update.
    # Except where the id comes from a table whose ids are marked with N_ (extracted too).
    computed = [(f, line) for f, line, arg in _calls()
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str))
                and f not in READ_FROM_TABLES]
    assert computed == []


def test_every_message_the_code_uses_is_in_every_catalog() -> None:
    used = {arg.value for _, _, arg in _calls() if isinstance(arg, ast.Constant)
            and isinstance(arg.value, str)}
    assert len(used) > 50
    for lang in LANGUAGES:
        assert used - msgids(lang) == set(), lang


def test_each_call_fills_the_fields_of_its_message() -> None:
    # A field left out would be said as "{when}": every call names exactly the fields.
    wrong = []
    for f, line, call in _call_nodes():
        arg = call.args[MSGID_ARG[_name(call)]]
        msgid = arg.value if isinstance(arg, ast.Constant) else None
        if not isinstance(msgid, str) or any(k.arg is None for k in call.keywords):
            continue  # computed ids are refused above; **fields are not checked here
        given = {k.arg for k in call.keywords if k.arg is not None}
        if _name(call) == "N_":
            continue  # filled where the table is read
        if _name(call) == "ngettext":
            given.add("n")
        if given != _fields(i18n._texts("en")[msgid]):
            wrong.append((f, line, msgid))
    assert wrong == []


def test_each_catalog_text_fills_the_fields_of_its_message() -> None:
    # CatalogText(N_("admin.notice.published"), version=…), Refused(N_("refusal.…"), …) and
    # the refusals derived from it: the fields named are the message's; an id written
    # without N_ would not be extracted.
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        f = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args or _name(node) in MSGID_ARG:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and first.value.startswith(("refusal.", "admin.notice.")):
                wrong.append((f, node.lineno, first.value))  # not marked with N_
            if not (isinstance(first, ast.Call) and _name(first) == "N_"
                    and isinstance(first.args[0], ast.Constant)
                    and isinstance(first.args[0].value, str)):
                continue
            if any(k.arg is None for k in node.keywords):
                continue
            msgid = first.args[0].value
            given = {k.arg for k in node.keywords if k.arg is not None}
            if given != _fields(i18n._texts("en")[msgid]):
                wrong.append((f, node.lineno, msgid))
    assert wrong == []


def test_catalogs_have_the_same_ids_with_the_same_fields() -> None:
    english = {msgid: _fields(i18n._texts("en")[msgid]) for msgid in msgids("en")}
    for lang in LANGUAGES:
        texts = i18n._texts(lang)
        assert set(texts) == set(english), lang
        for msgid, text in texts.items():
            assert _fields(text) == english[msgid], (lang, msgid)
            for form in (text,) if isinstance(text, str) else text:
                assert text_fields.problems(form, frozenset(english[msgid])) == [], \
                    (lang, msgid)


def _fields(text: str | tuple[str, ...]) -> set[str]:
    forms = (text,) if isinstance(text, str) else text
    return set().union(*(text_fields.fields(form) for form in forms))


def test_the_languages_are_the_catalogs_present() -> None:
    assert LANGUAGES == ("en", "fr")
    assert [lang_key(x) for x in ("fr-FR", "fr_CA", "en-GB", "de-DE", "")] == [
        "fr", "fr", "en", "en", "en"]


def test_fields_are_filled_once_and_never_formatted() -> None:
    said = gettext("fr-FR", "call.announce_said", said="{caller} {0:>99}")
    assert said == "La personne a dit\u202f: {caller} {0:>99}."
    assert gettext("en-US", "call.confirm_question", words="hours") == \
        "Did you say: hours? Press 1 for yes, or 2 for no."


def test_an_unknown_message_is_a_bug() -> None:
    with pytest.raises(KeyError):
        gettext("en-US", "call.no_such_message")


def test_locale_data_writes_dates_numbers_and_lists() -> None:
    friday = dt.date(2026, 12, 4)
    assert i18n.format_date("fr-FR", friday, "EEE d MMM") == "ven. 4 déc."
    assert i18n.format_date("en-US", friday, "EEE d MMM") == "Fri 4 Dec"
    assert i18n.format_decimal("fr-FR", 1234.5) == "1\u202f234,5"
    assert i18n.format_list("fr-FR", ["a", "b", "c"]) == "a, b et c"
    assert i18n.format_list("en-US", ["a", "b", "c"]) == "a, b, and c"
    assert i18n.format_time("fr-FR", dt.time(18, 5)) == "18:05"
    assert i18n.format_date("xx-YY", friday, "d MMM") == "4 Dec"
    # The admin pages' dates (`date_text`): English as strftime wrote them, French in French.
    nine = dt.datetime(2026, 12, 4, 9, 5, tzinfo=dt.UTC)
    assert i18n.format_moment("en", nine, "EEE dd MMM y HH:mm") == \
        nine.strftime("%a %d %b %Y %H:%M") == "Fri 04 Dec 2026 09:05"
    assert i18n.format_moment("fr", nine, "EEE dd MMM y HH:mm") == "ven. 04 déc. 2026 09:05"
    assert i18n.format_moment("fr", friday, "EEE dd") == "ven. 04"
    # Owners' notifications: the day with its weekday, and a moment as the locale joins
    # day and time (12-hour clock in English, 24-hour in French).
    assert i18n.format_day("en-US", friday) == "Fri, Dec 4, 2026"
    assert i18n.format_day("fr-FR", friday) == "ven. 4 déc. 2026"
    two = dt.datetime(2026, 12, 4, 14, 5)
    assert i18n.format_when("en-US", two).replace("\u202f", " ") == "Fri, Dec 4, 2026, 2:05 PM"
    assert i18n.format_when("fr-FR", two) == "ven. 4 déc. 2026, 14:05"


def test_each_language_has_a_spoken_locale_and_a_name() -> None:
    assert i18n.spoken_locale("en") == "en-US"
    assert i18n.spoken_locale("fr") == "fr-FR"
    assert tuple(i18n.spoken_locale(lang) for lang in i18n.LANGUAGES) == i18n.SPOKEN_LOCALES
    assert [i18n.language_name(lang) for lang in ("en", "fr")] == ["English", "Français"]


def test_make_catalogs_would_neither_add_nor_drop_a_message() -> None:
    # What `make catalogs` extracts (babel.cfg, the Makefile's keywords) is what the
    # catalogs hold: a message only reached through a computed id would be dropped.
    root = PACKAGE.parent
    with (root / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    keywords = {"gettext": (2,), "ngettext": (2, 3), "N_": None, "t": None, "nt": (1, 2)}
    # A plural message is extracted as (msgid, msgid_plural): the catalog knows it by msgid.
    extracted = {message[0] if isinstance(message, tuple) else message
                 for _, _, message, _, _ in extract_from_dir(
                     str(root), method_map, options_map, keywords=keywords)}
    assert extracted == msgids("en")


PLURAL_PO = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {rule}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "t.calls"
msgid_plural "t.calls_plural"
msgstr[0] "{one}"
msgstr[1] "{other}"
"""


@pytest.fixture
def plural_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for lang, rule, one, other in (
            ("en", "nplurals=2; plural=(n != 1);", "{n} call", "{n} calls"),
            ("fr", "nplurals=2; plural=(n > 1);", "{n} appel", "{n} appels")):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(
            PLURAL_PO.format(lang=lang, rule=rule, one=one, other=other), encoding="utf-8")
    caches = (i18n._catalog, i18n._texts, i18n._plural_rule)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    yield
    for cached in caches:
        cached.cache_clear()


@pytest.mark.usefixtures("plural_catalogs")
def test_plurals_follow_each_catalogs_rule() -> None:
    said = {lang: [i18n.ngettext(lang, "t.calls", "t.calls_plural", n) for n in (0, 1, 2, 1500)]
            for lang in ("en-US", "fr-FR")}
    assert said == {"en-US": ["0 calls", "1 call", "2 calls", "1,500 calls"],
                    "fr-FR": ["0 appel", "1 appel", "2 appels", "1\u202f500 appels"]}


def test_french_typography_puts_narrow_no_break_spaces_where_they_belong() -> None:
    """« : », « ; », « ! », « ? » and guillemets take a narrow no-break space in French, so
    a line never breaks before them (and the admin reads as French is printed)."""
    with (PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    faults = []
    for message in catalog:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            if re.search(r"[ \u00a0][;:!?»]|«[ \u00a0]|«(?=\S)|(?<=\S)»", str(text)):
                faults.append(f"{message.id}: {text}")
    assert not faults, "\n".join(faults)
