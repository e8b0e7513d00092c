"""Whole calls: scripted callers (tests/data/dialogues/{en,fr}.yaml) placed through the
Twilio simulator against the demo businesses, each on a fresh database with the clock
at the caller's moment, judged on what the database holds afterwards.

Per caller: success (the outcome expected: the appointment booked in its window with the
right practitioner and type, the one cancelled or moved, a message stored, the FAQ
answered, a transfer tried, nothing booked), a **wrong outcome** (something done that the
caller did not want: the wrong day, person or type, another appointment cancelled…),
caller turns against the shortest possible, confirmation questions, "did not
understand"s, calls that ended at the keypad. Typed mode sends the words as Twilio's
`SpeechResult`; spoken modes are in bench/dialogue_voices.py, over the TwiML transport
(webhooks, with a one-way media stream for speech) or, with `--transport stream`, the
stream transport (the whole call on a two-way stream, our voice as audio). Then issue
30's targets, met or not, and for a spoken mode that misses its success target, how many
of the callers who failed were not heard word for word (bench/dialogue_verdicts.py).

    python -m bench.dialogues [--mode typed] [--lang en|fr] [--limit N] [--caller ID]
                              [--transcripts N] [--transport twiml|stream]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from bench.dialogue_data import LANGUAGES, Caller, all_callers
from bench.dialogue_run import ACCOUNT_SID, AUTH_TOKEN, Result, run_caller, template_database
from bench.dialogue_verdicts import verdicts
from tests.twilio_sim import FakeTwilioApi


def run(callers: list[Caller], mode: str = "typed", transport: str = "twiml") -> list[Result]:
    if mode != "typed":
        from bench.dialogue_voices import run_spoken
        return run_spoken(callers, mode, transport)
    if transport != "twiml":
        raise SystemExit("typed words go over TwiML (SpeechResult): a spoken mode for "
                         "--transport stream")
    results = []
    with tempfile.TemporaryDirectory(prefix="dialogues-") as tmp, \
            FakeTwilioApi(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as api:
        folder = Path(tmp)
        template = template_database(folder)
        for caller in callers:
            results.append(run_caller(caller, folder, template, api, mode))
    return results


def table(results: list[Result]) -> list[str]:
    lines = ["| lang | mode | callers | success | wrong outcomes | median turns / shortest "
             "| confirmations | did not understand | keypad endings |",
             "|---|---|---|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.caller.language, r.mode), []).append(r)
    for (language, mode), rows in sorted(groups.items()):
        n = len(rows)
        ok = sum(r.success for r in rows)
        lines.append(
            f"| {language} | {mode} | {n} | {100 * ok / n:.0f} % | {sum(r.wrong for r in rows)} "
            f"| {statistics.median(r.turns for r in rows):g} / "
            f"{statistics.median(r.caller.shortest for r in rows):g} "
            f"| {sum(r.confirmations for r in rows)} | {sum(r.misses for r in rows)} "
            f"| {sum(r.keypad for r in rows)} |")
    return lines


def by_goal(results: list[Result]) -> list[str]:
    lines = ["| lang | goal | callers | success | wrong |", "|---|---|---|---|---|"]
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.caller.language, r.caller.goal), []).append(r)
    for (language, goal), rows in sorted(groups.items()):
        lines.append(f"| {language} | {goal} | {len(rows)} | {sum(r.success for r in rows)} "
                     f"| {sum(r.wrong for r in rows)} |")
    return lines


def failures(results: list[Result], transcripts: int) -> list[str]:
    lines = []
    shown = 0
    for r in results:
        if r.success:
            continue
        tag = "WRONG" if r.wrong else "fail"
        lines.append(f"- {tag} {r.caller.id} ({r.caller.goal}, {r.caller.style}): {r.reason}"
                     f" [turns {r.turns}/{r.caller.shortest}, misses {r.misses}, "
                     f"outcome {r.outcome or '-'}]")
        if shown < transcripts:
            shown += 1
            for talk in r.transcript:
                lines.append(f"    {talk.who:>12}: {talk.text[:160]}")
            if r.mode != "typed":
                lines += [f"    {'app heard':>12}: {words[:160]}" for words in r.heard]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("typed", "piper", "pico", "espeak"),
                        default="typed")
    parser.add_argument("--lang", choices=LANGUAGES)
    parser.add_argument("--transport", choices=("twiml", "stream"), default="twiml",
                        help="stream: the demo scripts carried by a two-way media stream")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--caller", action="append", help="a caller's id (repeatable)")
    parser.add_argument("--transcripts", type=int, default=6,
                        help="transcripts of this many failing callers")
    args = parser.parse_args(argv)
    callers = all_callers((args.lang,) if args.lang else LANGUAGES)
    if args.caller:
        callers = [c for c in callers if c.id in args.caller]
    if args.limit:
        per_language: dict[str, int] = {}
        kept = []
        for c in callers:
            per_language[c.language] = per_language.get(c.language, 0) + 1
            if per_language[c.language] <= args.limit:
                kept.append(c)
        callers = kept
    results = run(callers, args.mode, args.transport)
    print("\n".join(table(results)))
    print()
    print("\n".join(by_goal(results)))
    print("\nissue 30's targets:\n")
    print("\n".join(verdict.line for verdict in verdicts(results)))
    print()
    print("\n".join(failures(results, args.transcripts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
