"""Written forms a reader expands: titles ("Dr" -> "Doctor", « Dr » -> « docteur »,
"Mr", "Mrs", « M. », « Mme »), "&", and names run together ("DemoDental" -> "Demo
Dental": a business's name written as one word is read as one unknown word)."""

from __future__ import annotations

import re

_TITLES = {
    "en": {"Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "&": "and"},
    "fr": {"Dr": "docteur", "Dre": "docteure", "Pr": "professeur", "Mme": "madame",
           "Mlle": "mademoiselle", "M.": "monsieur", "&": "et"},
}
# A title before a capitalised name (a sentence's last word "Dr." stays). Not "St": Saint
# and Street are written alike.
_TITLE = re.compile(r"(?<![\w.])(Dre|Dr|Mrs|Mr|Ms|Mme|Mlle|Pr|M\.)\.?(?=\s+[A-ZÀ-Ý])")
_AMPERSAND = re.compile(r"\s&\s")
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z][a-zà-ÿ])")


def expand_titles(text: str, language: str) -> str:
    table = _TITLES["fr" if language.startswith("fr") else "en"]
    text = _TITLE.sub(lambda m: table.get(m[1], m[0]), text)
    return _AMPERSAND.sub(f" {table['&']} ", text)


def split_names(text: str) -> str:
    """"DemoDental" -> "Demo Dental", "CabinetDupont" -> "Cabinet Dupont"; "iPhone",
    "McDonald" stay (a capital after one or two letters is part of the name)."""
    return re.sub(r"\b[A-Za-zÀ-ÿ]{3,}\b", lambda m: _split_word(m[0]), text)


def _split_word(word: str) -> str:
    parts = _CAMEL.split(word)
    if len(parts) == 1 or any(len(part) < 3 for part in parts):
        return word
    return " ".join(parts)
