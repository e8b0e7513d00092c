"""Issue 30's targets for whole calls, judged on a run of `bench.dialogues`: which are
met, and for those that are not, why, from the run itself.

Targets per language and mode: success ≥ 97 % typed and ≥ 93 % spoken with Piper or
Pico (espeak-ng is reported as is), no wrong outcome, median caller turns ≤ the shortest
possible + 1. A spoken caller who failed is told apart by what the app heard: if one of
their sentences did not reach the app word for word (`misheard`), the ear or the voice
failed before any understanding; if every sentence arrived as said, the dialogue did.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.dialogue_run import Result
from bench.word_distance import word_errors

SUCCESS_TARGETS = {"typed": 97.0, "piper": 93.0, "pico": 93.0}  # espeak: as is
EXTRA_TURNS = 1
_PUNCTUATION = re.compile(r"[^\w\s']+")


def words(text: str) -> list[str]:
    """Lowercase words without punctuation ("Dr." and "dr", "9:30" and "9 30" alike)."""
    return _PUNCTUATION.sub(" ", text.lower()).split()


def misheard(result: Result) -> list[tuple[str, str]]:
    """The caller's sentences that no words the app heard match word for word, each
    with the closest it heard ("" when nothing it heard shares a word with it: not
    heard at all). Names and messages left after a beep are recordings, not heard: left
    out."""
    found = []
    for talk in result.transcript:
        if talk.who != "caller" or talk.text.startswith("("):
            continue
        said = words(talk.text)
        if not said:
            continue
        closest = min(result.heard, key=lambda heard: word_errors(said, words(heard)),
                      default="")
        if words(closest) != said:
            found.append((talk.text, closest if set(words(closest)) & set(said) else ""))
    return found


@dataclass(frozen=True)
class Verdict:
    language: str
    mode: str
    line: str
    met: bool


def verdicts(results: Sequence[Result]) -> list[Verdict]:
    groups: dict[tuple[str, str], list[Result]] = {}
    for result in results:
        groups.setdefault((result.caller.language, result.mode), []).append(result)
    found = []
    for (language, mode), rows in sorted(groups.items()):
        success = 100 * sum(r.success for r in rows) / len(rows)
        wrong = sum(r.wrong for r in rows)
        turns = statistics.median(r.turns for r in rows)
        shortest = statistics.median(r.caller.shortest for r in rows)
        target = SUCCESS_TARGETS.get(mode)
        parts, met = [], True
        if target is None:
            parts.append(f"success {success:.0f} % (reported as is)")
        elif success >= target:
            parts.append(f"success {success:.0f} % ≥ {target:.0f} %: met")
        else:
            met = False
            parts.append(f"success {success:.0f} % < {target:.0f} %: **not met**"
                         + _why(rows))
        if wrong:
            met = False
            parts.append(f"{wrong} wrong outcome(s): **not met**")
        else:
            parts.append("0 wrong outcomes: met")
        if turns <= shortest + EXTRA_TURNS:
            parts.append(f"median turns {turns:g} ≤ {shortest:g} + {EXTRA_TURNS}: met")
        else:
            met = False
            parts.append(f"median turns {turns:g} > {shortest:g} + {EXTRA_TURNS}: "
                         "**not met**")
        found.append(Verdict(language, mode, f"- {language}, {mode} ({len(rows)} callers): "
                                             + "; ".join(parts), met))
    return found


def _why(rows: Sequence[Result]) -> str:
    failed = [r for r in rows if not r.success]
    if not failed or failed[0].mode == "typed":
        reasons = sorted({r.reason for r in failed})
        return f" (the reasons: {'; '.join(reasons)[:300]})" if reasons else ""
    unheard = [(r, misheard(r)) for r in failed]
    ears = [(r, turns) for r, turns in unheard if turns]
    example = ""
    if ears:
        pairs = [pair for _, turns in ears for pair in turns]
        lost = sum(1 for _, heard in pairs if not heard)
        # The most misheard of the sentences heard otherwise (a "cleaned" written "clean"
        # says little), else one not heard at all.
        said, heard = max(pairs, key=lambda pair: (
            bool(pair[1]), word_errors(words(pair[0]), words(pair[1])) / len(words(pair[0]))))
        example = (f' ({len(pairs) - lost} sentences heard otherwise, e.g. "{said}" heard '
                   f'as "{heard}"; {lost} not heard at all)') if heard else (
            f' (none heard otherwise; {lost} not heard at all, e.g. "{said}")')
    return (f" ({len(ears)} of the {len(failed)} callers who failed had a sentence the app "
            f"did not hear word for word{example}; {len(failed) - len(ears)} failed with "
            "every sentence heard as said)")
