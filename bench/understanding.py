"""Understanding callers' sentences: the intent model against the evaluation corpus.

For each language, the demo script's model (built-in examples + the script's own) is
trained from scratch (build time), then every sentence of tests/data/understanding/
LANG.tsv (written apart from the training examples, never learnt from) is classified
with the script's bands. Printed per language: right routes (direct or after a
confirmation), wrong routes, confirm and reprompt rates, out-of-scope sentences routed,
p95 time per sentence, build time, and a confusion matrix. The baseline in the same run
is the phrase matcher the menus used before (menu words only): its right and wrong routes
on the same sentences, and the time ratio. The same again on LANG-callers.tsv: the kinds
of sentences whole calls showed missed (what is still free, which days, rates, insurers by
brand, a name and "I'll call back"), held out the same way.

    python -m bench.understanding [--mistakes]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.meaning import thresholds, training_set
from receptionist.demo import demo_script_text
from receptionist.understanding.evaluation import (
    Labelled,
    Report,
    confusion_table,
    evaluate,
    read_corpus,
)
from receptionist.understanding.intent_model import BUILTIN_INTENTS, train
from receptionist.understanding.phrase_match import match_intent

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "understanding"
SCRIPTS = {"en": "demo.yaml", "fr": "demo-fr.yaml"}
SETS = ("", "-callers")  # LANG.tsv, LANG-callers.tsv


def phrase_baseline(corpus: list[Labelled], script_name: str) -> tuple[float, float, float]:
    """(right, wrong, p95 ms) of the old phrase matcher on the demo menu."""
    script = parse_script(demo_script_text(script_name))
    menu = script.main_menu_step()
    assert menu is not None
    right = wrong = 0
    seconds = []
    for item in corpus:
        started = time.perf_counter()
        match = match_intent(item.text, menu.choices, script.language)
        seconds.append(time.perf_counter() - started)
        if match.intent is None:
            right += item.intent == "out_of_scope"
        elif match.intent == item.intent:
            right += 1
        else:
            wrong += 1
    seconds.sort()
    return right / len(corpus), wrong / len(corpus), seconds[int(0.95 * len(seconds))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mistakes", action="store_true", help="list the wrong routes")
    args = parser.parse_args()
    rows = []
    reports: dict[str, Report] = {}
    for lang, script_name in SCRIPTS.items():
        script = parse_script(demo_script_text(script_name))
        training = training_set(script)
        train(training)  # the first fit pays the library's import
        started = time.perf_counter()
        model = train(training)
        build_ms = (time.perf_counter() - started) * 1000
        for suffix in SETS:
            corpus = read_corpus(CORPUS / f"{lang}{suffix}.tsv")
            report = evaluate(model, corpus, thresholds(script))
            reports[lang + suffix] = report
            base_right, base_wrong, base_p95 = phrase_baseline(corpus, script_name)
            rows.append((lang + suffix, report, build_ms, base_right, base_wrong, base_p95))
    print("| lang | sentences | right | wrong | confirm | reprompt | out-of-scope routed "
          "| out-of-scope confirmed or routed | p95 ms | build ms "
          "| phrase matcher right / wrong | p95 vs matcher |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for lang, report, build_ms, base_right, base_wrong, base_p95 in rows:
        share = max(report.out_of_scope, 1)
        direct = (f"{report.out_of_scope_direct}/{report.out_of_scope} "
                  f"({report.out_of_scope_direct / share:.0%})")
        oos = (f"{report.out_of_scope_routed}/{report.out_of_scope} "
               f"({report.out_of_scope_routed / share:.0%})")
        print(f"| {lang} | {report.total} | {report.rate(report.right):.1%} "
              f"| {report.rate(report.wrong):.1%} | {report.rate(report.confirmed):.1%} "
              f"| {report.rate(report.reprompted):.1%} | {direct} | {oos} "
              f"| {report.p95_ms:.2f} "
              f"| {build_ms:.0f} | {base_right:.1%} / {base_wrong:.1%} "
              f"| {report.p95_ms / base_p95:.1f}x |")
    for lang, report in reports.items():
        print(f"\nconfusion ({lang}): rows = the sentence's intent, columns = routed or "
              "confirmed")
        for line in confusion_table(report, (*BUILTIN_INTENTS, "faq_2", "faq_3")):
            print("  " + line)
        if args.mistakes:
            for gold, decided, text, confidence in report.mistakes:
                print(f"  wrong: {gold} -> {decided} ({confidence:.2f}): {text}")


if __name__ == "__main__":
    main()
