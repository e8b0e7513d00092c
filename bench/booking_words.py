"""What a caller's words choose at the booking step: the appointment type and the
practitioner, in the demo practices (tests/twilio/practice.py) (English and French).

Each sentence of tests/data/booking_words/LANG.tsv (written apart from the scripts' own
phrases, as callers speak) is read as the `book` step reads the words that brought the
caller there (call_flows.booking.choice.type_in, then who_in among those who offer the
type). For the type and for the practitioner: right (what the caller meant, including
"nothing named"), asked (nothing picked although the caller named one: the step asks,
which is safe), wrong (another one picked: the caller would have to say no at the
confirmation). The baseline in the same run picks nothing, ever: it is always right on
"nothing named" and asks every time otherwise.

    python -m bench.booking_words [--mistakes]
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from receptionist.call_flows.booking import choice
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import Script
from tests.twilio.practice import practice_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "booking_words"
NOTHING = "-"


@dataclass(frozen=True)
class Sentence:
    kind: str
    who: str
    said: str


def practice(language: str) -> Script:
    return parse_script(practice_text(language))


def corpus(language: str) -> list[Sentence]:
    rows = []
    for line in (CORPUS / f"{language}.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, who, said = line.split("\t")
            rows.append(Sentence(kind, who, said))
    return rows


def grade(expected: str, found: str | None) -> str:
    if (found or NOTHING) == expected:
        return "right"
    return "asked" if found is None else "wrong"


def evaluate(language: str) -> tuple[Counter[str], list[str]]:
    """Counts of `type:right`, `who:wrong`… and the mistakes, as lines."""
    script = practice(language)
    counts: Counter[str] = Counter()
    mistakes = []
    for sentence in corpus(language):
        kind = choice.type_in(script, sentence.said, script.language)
        who = choice.who_in(script, choice.offering(script, kind or ""), sentence.said,
                            script.language)
        for field, expected, found in (("type", sentence.kind, kind),
                                       ("who", sentence.who, who)):
            verdict = grade(expected, found)
            counts[f"{field}:{verdict}"] += 1
            counts[f"{field}:baseline:{grade(expected, None)}"] += 1
            if verdict != "right":
                mistakes.append(f"{language} {field} {verdict}: {sentence.said!r} "
                                f"expected {expected} got {found or NOTHING}")
    return counts, mistakes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mistakes", action="store_true")
    args = parser.parse_args()
    print("\n| language | sentences | field | right | asked | wrong | baseline right | "
          "baseline asked |")
    print("|---|---|---|---|---|---|---|---|")
    shown = []
    for language in ("en", "fr"):
        counts, mistakes = evaluate(language)
        shown += mistakes
        total = len(corpus(language))
        for field in ("type", "who"):
            print(f"| {language} | {total} | {field} | {counts[f'{field}:right']} | "
                  f"{counts[f'{field}:asked']} | {counts[f'{field}:wrong']} | "
                  f"{counts[f'{field}:baseline:right']} | "
                  f"{counts[f'{field}:baseline:asked']} |")
    if args.mistakes:
        print("\n" + "\n".join(shown))


if __name__ == "__main__":
    main()
