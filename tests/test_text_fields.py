"""Fields in script texts: `{name}` only, `{{`/`}}` for braces, one total pass."""

from __future__ import annotations

import pytest

from receptionist.text_fields import Field, fields, fill, pieces, problems

NAMES = frozenset({"caller", "caller_name"})


def test_fields_and_literal_braces() -> None:
    text = "Hello {caller_name}, {{not a field}} {{{caller}}}"
    assert list(pieces(text)) == ["Hello ", Field("caller_name"), ", {not a field} {",
                                  Field("caller"), "}"]
    assert fields(text) == {"caller_name", "caller"}
    assert problems(text, NAMES) == []
    assert fill(text, {"caller_name": "Jane", "caller": "Bob"}) == (
        "Hello Jane, {not a field} {Bob}")


@pytest.mark.parametrize(("text", "reason"), [
    ("{caller:>10}", "no format, conversion, attribute or index"),
    ("{caller!r}", "no format, conversion, attribute or index"),
    ("{caller.__class__}", "no format, conversion, attribute or index"),
    ("{caller[0]}", "no format, conversion, attribute or index"),
    ("{0}", "no format, conversion, attribute or index"),
    ("{}", "an empty field"),
    ("Hello {caller", "never closed"),
    ("Hello }", "a lone `}`"),
    ("{{{caller:x>100000000}}}", "malformed field {caller:x>100000000}"),
])
def test_malformed_fields_are_problems(text: str, reason: str) -> None:
    [problem] = problems(text, NAMES)
    assert reason in problem


def test_unknown_names_list_the_known_ones() -> None:
    assert problems("{name}", NAMES) == ["unknown field {name} (use {caller} or "
                                         "{caller_name})"]
    assert problems("{x}", frozenset({"a"})) == ["unknown field {x} (use {a})"]


def test_filling_is_one_pass_and_keeps_what_it_cannot_fill() -> None:
    # A value is never read as a template; unknown and malformed fields stay as written.
    assert fill("{said}", {"said": "{said}{said}"}) == "{said}{said}"
    assert fill("{other} {said:>9} {", {"said": "x"}) == "{other} {said:>9} {"
