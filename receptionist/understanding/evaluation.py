"""Measure the intent model on labelled sentences the model never learnt from.

A sentence is routed *right* when the top intent is its own, in the `route` band, or in
the `confirm` band (the caller then says yes). It is routed *wrong* when the call would
go somewhere else: another intent in the `route` band. A wrong guess in the `confirm`
band is not a wrong route (the caller says no and is asked again), nor is a reprompt.
An out-of-scope sentence is right when nothing is routed or confirmed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from receptionist.understanding.bands import Thresholds, understand, weigh_hearing
from receptionist.understanding.intent_model import OUT_OF_SCOPE, IntentModel


@dataclass(frozen=True)
class Labelled:
    intent: str
    text: str


def read_corpus(path: Path) -> list[Labelled]:
    """`intent<TAB>sentence` lines; `#` starts a comment line."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        intent, sep, text = line.partition("\t")
        if not sep or not text.strip():
            raise ValueError(f"{path}:{number}: expected intent<TAB>sentence")
        found.append(Labelled(intent.strip(), text.strip()))
    return found


@dataclass
class Report:
    total: int = 0
    right: int = 0
    wrong: int = 0
    confirmed: int = 0  # sentences that went to the confirm band
    reprompted: int = 0
    out_of_scope: int = 0
    out_of_scope_routed: int = 0  # routed or confirmed (the caller is asked)
    out_of_scope_direct: int = 0  # routed without asking
    seconds: list[float] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, decided)
    mistakes: list[tuple[str, str, str, float]] = field(default_factory=list)

    def rate(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def p95_ms(self) -> float:
        if not self.seconds:
            return 0.0
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def evaluate(model: IntentModel, corpus: Iterable[Labelled],
             thresholds: Thresholds | None = None,
             heard: Sequence[tuple[str, float]] | None = None) -> Report:
    """`heard`: per sentence, what a speech engine made of it and its confidence (the
    band then counts the engine's doubt, as at a menu); None: the sentences as written."""
    report = Report()
    for index, item in enumerate(corpus):
        started = time.perf_counter()
        if heard is None:
            result = understand(model, item.text, thresholds)
        else:
            text, confidence = heard[index]
            result = understand(model, text, thresholds)
            band = weigh_hearing(result.band, confidence)
            result = replace(result, band=band,
                             intent=result.intent if band != "reprompt" else None)
        report.seconds.append(time.perf_counter() - started)
        report.total += 1
        decided = result.intent if result.intent is not None else "(reprompt)"
        report.confusion[(item.intent, decided)] += 1
        if result.band == "confirm":
            report.confirmed += 1
        if result.band == "reprompt":
            report.reprompted += 1
        if item.intent == OUT_OF_SCOPE:
            report.out_of_scope += 1
            if result.band == "reprompt":
                report.right += 1
            else:
                report.out_of_scope_routed += 1
                if result.band == "route":
                    report.out_of_scope_direct += 1
                    report.wrong += 1
                    report.mistakes.append((item.intent, decided, item.text,
                                            result.confidence))
            continue
        if result.intent == item.intent:
            report.right += 1
        elif result.band == "route":
            report.wrong += 1
            report.mistakes.append((item.intent, decided, item.text, result.confidence))
    return report


def confusion_table(report: Report, intents: Sequence[str]) -> list[str]:
    """Rows: the sentence's intent; columns: what was decided (routed or confirmed)."""
    columns = [*intents, "(reprompt)"]
    short = [c[:6] for c in columns]
    lines = ["gold \\ decided  " + " ".join(f"{s:>6}" for s in short)]
    for gold in intents:
        counts = [report.confusion.get((gold, c), 0) for c in columns]
        lines.append(f"{gold[:15]:15}  " + " ".join(f"{n or '.':>6}" for n in counts))
    return lines
