"""What a form field may hold: printable text, and line breaks in a multi-line field."""

from __future__ import annotations

import pytest

from receptionist.admin.form_text import normalised, refused_character


def test_crlf_becomes_lf_and_is_allowed_in_multiline_fields_only() -> None:
    text = normalised("one\r\ntwo")
    assert text == "one\ntwo"
    assert refused_character(text, multiline=True) is None
    assert refused_character(text, multiline=False) == "U+000A"


@pytest.mark.parametrize(("char", "code"), [
    ("\r", "U+000D"), ("\x85", "U+0085"), ("\u2028", "U+2028"), ("\u2029", "U+2029"),
    ("\x00", "U+0000"), ("\t", "U+0009"), ("\x0b", "U+000B"), ("\x7f", "U+007F"),
    ("\ufeff", "U+FEFF"), ("\u202e", "U+202E"), ("\u200b", "U+200B"), ("\ufffe", "U+FFFE"),
])
def test_controls_separators_and_invisibles_are_refused(char: str, code: str) -> None:
    assert refused_character(f"a{char}b", multiline=True) == code


def test_ordinary_text_in_both_languages_is_fine() -> None:
    for text in ("Bonjour\u00a0! Ça va ?", "L'été, 9 h\u202f30", "Smile 😀", "{caller_name}"):
        assert refused_character(text, multiline=False) is None
