"""A script's problems are catalog messages (`script.problem.*`): the CLI's English is
unchanged, the admin shows each in its reader's language, nested parts and the schema's
own validators included; pydantic's generic messages stay in its words."""

from __future__ import annotations

import pytest

from receptionist import i18n
from receptionist.call_flows.loader import ScriptError, ScriptProblem, parse_script
from receptionist.catalog_text import CatalogText
from receptionist.demo import demo_script_text
from receptionist.i18n import N_
from tests.call_flows.test_loader import MINIMAL


def _problems(text: str) -> list[ScriptProblem]:
    with pytest.raises(ScriptError) as info:
        parse_script(text)
    return info.value.problems


def test_a_missing_step_in_english_and_in_french() -> None:
    problem, = _problems(MINIMAL.replace("no_match: bye", "no_match: nowhere"))
    assert isinstance(problem.said, CatalogText)
    assert problem.said.msgid == "script.problem.missing_step"
    assert problem.reason == "refers to missing step 'nowhere'"
    assert str(problem) == "line 9: steps.menu.no_match: refers to missing step 'nowhere'"
    assert problem.text.in_language("fr") == (
        "ligne 9\u202f: steps.menu.no_match\u202f: renvoie à l'étape «\u202fnowhere\u202f», "
        "qui n'existe pas")


def test_a_schema_validator_refuses_with_a_catalog_message() -> None:
    problem, = _problems(MINIMAL.replace("Europe/Paris", "Mars/Olympus"))
    assert problem.reason == ("unknown time zone 'Mars/Olympus' (use an IANA name such as "
                              "Europe/Paris)")
    assert problem.text.in_language("fr") == (
        "ligne 2\u202f: timezone\u202f: fuseau horaire «\u202fMars/Olympus\u202f» inconnu "
        "(utilisez un nom IANA "
        "comme Europe/Paris)")


def test_a_nested_reason_is_written_in_the_same_language() -> None:
    problem, = _problems(MINIMAL.replace("language: fr-FR", "language: fr-FR\nhours:\n"
                                         "  mon: [18:00-09:00]"))
    assert problem.reason == "mon: opening range '18:00-09:00' ends before it starts"
    assert problem.text.in_language("fr") == (
        "ligne 4\u202f: hours\u202f: mon\u202f: la plage «\u202f18:00-09:00\u202f» finit avant "
        "de commencer")


def test_a_problem_about_the_whole_script() -> None:
    problem, = _problems("- just\n- a list\n")
    assert str(problem) == "line 1: a script must be a mapping of fields"
    assert problem.text.in_language("fr") == (
        "ligne 1\u202f: un script doit être un ensemble de champs (clé: valeur)")
    plain = ScriptProblem(None, "", "Input should be a valid string")
    assert str(plain) == "script: Input should be a valid string"
    assert plain.text.in_language("fr") == "script\u202f: Input should be a valid string"


def test_unknown_practitioner_lists_none_in_each_language() -> None:
    text = CatalogText(N_("script.problem.unknown_practitioner"), name="lee",
                       known=CatalogText(N_("script.problem.none_declared")))
    assert str(text) == "unknown practitioner 'lee' (declared under booking.practitioners: none)"
    assert text.in_language("fr") == (
        "praticien «\u202flee\u202f» inconnu (déclarés sous booking.practitioners\u202f: aucun)")


def test_every_script_problem_has_its_own_text_in_each_language() -> None:
    ids = sorted(i for i in i18n.msgids("en") if i.startswith("script.problem."))
    assert len(ids) > 40
    for msgid in ids:
        english, french = i18n._texts("en")[msgid], i18n._texts("fr")[msgid]
        assert english and french and english != french, msgid


def test_the_demo_scripts_have_no_problems() -> None:
    for name in ("demo.yaml", "demo-fr.yaml"):
        parse_script(demo_script_text(name))


def test_a_step_kind_rule_in_each_language() -> None:
    twice = MINIMAL.replace('        goto: bye\n', '        goto: bye\n'
                            '      - intent: hours\n        digit: "1"\n        goto: bye\n')
    problem, = _problems(twice)
    assert problem.path == "steps.menu.choices.1.digit"
    assert problem.reason == "digit '1' is already used by choice 1"
    assert problem.text.in_language("fr").endswith(
        "steps.menu.choices.1.digit\u202f: la touche «\u202f1\u202f» sert déjà au choix 1")
