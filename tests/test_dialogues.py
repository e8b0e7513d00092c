"""The whole-call benchmark's callers (tests/data/dialogues/) and a fast typed subset of
them placed as whole calls (bench/dialogues.py), judged on the database.

The subset covers each goal kind in both languages (and a correction in one breath); a
caller that fails because of a known bug is a strict xfail (KNOWN), so that it turns into
a failure to remove once fixed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import time, timedelta
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bench import dialogue_data
from bench.dialogue_caller import Markers, PersonOnThePhone, times_said
from bench.dialogue_data import DataError, Turn, parse_caller
from bench.dialogue_run import ACCOUNT_SID, AUTH_TOKEN, Result, run_caller, template_database
from receptionist.demo import DEMO_TENANTS, demo_script_text
from receptionist.understanding.lang import UNDERSTOOD, words_of
from tests.twilio_sim import FakeTwilioApi

CALLERS = {c.id: c for c in dialogue_data.all_callers()}

SUBSET = {
    "en": ["en-book-01", "en-book-04", "en-faq-07", "en-book-14", "en-book-23",
           "en-book-29", "en-book-21", "en-cancel-01", "en-move-01", "en-lookup-01",
           "en-message-02",
           "en-urgent-01", "en-faq-01", "en-hours-01", "en-transfer-01", "en-nothing-03"],
    "fr": ["fr-book-01", "fr-book-04", "fr-faq-07", "fr-book-14", "fr-book-23",
           "fr-book-29", "fr-book-21", "fr-cancel-01", "fr-move-01", "fr-lookup-01",
           "fr-message-02",
           "fr-urgent-01", "fr-faq-01", "fr-hours-01", "fr-transfer-01", "fr-nothing-03"],
}
KNOWN: dict[str, str] = {}


def _subset() -> Iterator[object]:
    for language in ("en", "fr"):
        for ident in SUBSET[language]:
            marks = ([pytest.mark.xfail(strict=True, reason=KNOWN[ident])]
                     if ident in KNOWN else [])
            yield pytest.param(ident, id=ident, marks=marks)


@pytest.fixture(scope="module")
def bench_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("dialogues")
    return folder, template_database(folder)


@pytest.fixture(scope="module")
def bench_api() -> Iterator[FakeTwilioApi]:
    with FakeTwilioApi(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as api:
        yield api


def _explain(result: Result) -> str:
    lines = [f"{result.caller.id}: {result.reason}"]
    lines += [f"  {t.who}: {t.text}" for t in result.transcript]
    return "\n".join(lines)


@pytest.mark.parametrize("ident", list(_subset()))
def test_a_caller_reaches_their_goal(ident: str, bench_folder: tuple[Path, Path],
                                     bench_api: FakeTwilioApi) -> None:
    folder, template = bench_folder
    result = run_caller(CALLERS[ident], folder, template, bench_api)
    assert not result.wrong, _explain(result)
    assert result.success, _explain(result)


def test_a_wrong_day_is_a_wrong_outcome(bench_folder: tuple[Path, Path],
                                        bench_api: FakeTwilioApi) -> None:
    """The judge itself: a booking outside the caller's window (here the caller books
    Friday at 2 pm and says yes to it, but the expectation is moved to Thursday) is a
    wrong outcome, not a success."""
    folder, template = bench_folder
    caller = CALLERS["en-book-04"]  # "this Friday at 2 pm"
    window = caller.expect.booking
    assert window is not None
    thursday = tuple(day - timedelta(days=1) for day in window.days)
    moved = replace(caller, says=(*caller.says, Turn("yes", "confirm")),
                    expect=replace(caller.expect, booking=replace(window, days=thursday)))
    result = run_caller(moved, folder, template, bench_api)
    assert result.wrong and not result.success
    assert "not Thu 19" in result.reason


def test_a_caller_refuses_a_day_they_did_not_ask_for(bench_folder: tuple[Path, Path],
                                                      bench_api: FakeTwilioApi) -> None:
    """The caller listens to the day read back: wanting Thursday, they hear Friday at
    2 pm and say "no, thursday"; the receptionist books Thursday."""
    folder, template = bench_folder
    caller = CALLERS["en-book-04"]
    window = caller.expect.booking
    assert window is not None
    thursday = tuple(day - timedelta(days=1) for day in window.days)
    moved = replace(caller, expect=replace(caller.expect, booking=replace(
        window, days=thursday, start=time(9), end=time(18))))
    result = run_caller(moved, folder, template, bench_api)
    said = [t.text for t in result.transcript if t.who == "caller"]
    assert "no, thursday" in said
    assert result.success and not result.wrong, _explain(result)


def test_a_caller_refuses_a_time_they_did_not_ask_for(bench_folder: tuple[Path, Path],
                                                       bench_api: FakeTwilioApi) -> None:
    """The caller listens to the times: wanting 11:30 (as if "11" had been misheard),
    they hear 11 AM read back and say "no, at 11:30 AM"; wanting 10 on Monday morning,
    they are offered a list and take 10 from it, or say it when it is not there."""
    folder, template = bench_folder

    def wanting(ident: str, start: time) -> Result:
        caller = CALLERS[ident]
        window = caller.expect.booking
        assert window is not None
        moved = replace(caller, expect=replace(caller.expect, booking=replace(
            window, start=start, end=time(start.hour, start.minute + 1))))
        return run_caller(moved, folder, template, bench_api)

    read_back = wanting("en-book-08", time(11, 30))  # "… on Wednesday at 11"
    said = [t.text for t in read_back.transcript if t.who == "caller"]
    assert "no, at 11:30 AM" in said and read_back.success, _explain(read_back)
    offered = wanting("en-book-05", time(10))  # "… Dr Okafor next Monday morning"
    said = [t.text for t in offered.transcript if t.who == "caller"]
    assert "the first one" not in said, _explain(offered)
    assert {"the second one", "the third one", "no, at 10 AM"} & set(said), _explain(offered)
    assert offered.success and not offered.wrong, _explain(offered)


STREAMED = ["en-book-01", "en-message-02", "en-faq-01"]


def test_spoken_callers_reach_their_goal_over_the_stream_transport() -> None:
    """The whole-call suite in the other transport: callers spoken by Piper through the
    phone line, each call carried by a two-way stream (our voice as audio, keys as
    `dtmf`, the message recorded by our server): a booking said in one sentence, a
    message whose context comes first (longer than the menu's timeout), a question."""
    from bench.dialogue_voices import run_spoken

    results = run_spoken([CALLERS[ident] for ident in STREAMED], "piper", "stream")
    for result in results:
        assert result.mode == "piper, stream"
        assert not result.wrong, _explain(result)
        assert result.success, _explain(result)


# --- the data ---------------------------------------------------------------------------

def test_each_language_has_enough_callers_of_every_kind() -> None:
    for language in dialogue_data.LANGUAGES:
        callers = dialogue_data.load(language)
        assert len(callers) >= 80
        assert {c.goal for c in callers} == set(dialogue_data.GOALS)
        after_hours = [c for c in callers if c.clock.weekday() >= 5
                       or not 9 <= c.clock.hour < 18]
        assert {c.goal for c in after_hours} >= {"book", "message", "faq", "transfer"}
        assert all(c.language == language for c in callers)


def test_every_caller_is_consistent() -> None:
    for caller in CALLERS.values():
        assert caller.shortest >= 1
        if caller.expect.booking is not None:
            assert min(caller.expect.booking.days) >= caller.clock.date(), caller.id
        if caller.existing is not None:
            assert caller.existing.at > caller.clock.replace(tzinfo=None), caller.id
        if caller.goal in ("message", "urgent"):
            assert caller.message and caller.expect.outcome == "message", caller.id
        assert caller.number and caller.number.startswith("+")
    assert len({c.number for c in CALLERS.values()}) == len(CALLERS)


@pytest.mark.parametrize("broken, complaint", [
    ({"goal": "book", "says": ["hi"], "shortest": 0, "expect": {"outcome": "nothing"}},
     "shortest"),
    ({"goal": "book", "says": ["hi"], "shortest": 2, "expect": {"outcome": "booked"}},
     "booking"),
    ({"goal": "cancel", "says": ["hi"], "shortest": 2, "expect": {"outcome": "cancelled"}},
     "existing"),
    ({"goal": "sing", "says": ["hi"], "shortest": 1, "expect": {"outcome": "nothing"}},
     "goal"),
    ({"goal": "book", "says": ["hi"], "shortest": 1}, "expect"),
    ({"goal": "book", "says": [{"at": "menu", "say": "hi"}], "shortest": 1,
      "expect": {"outcome": "nothing"}}, "at"),
    ({"goal": "faq", "says": ["hi"], "shortest": 1, "expect": {"outcome": "faq"}}, "topic"),
])
def test_a_malformed_caller_is_refused(broken: dict[str, object], complaint: str) -> None:
    with pytest.raises(DataError, match=complaint):
        parse_caller({"id": "x", **broken}, "en", 0)


# --- never learnt from ------------------------------------------------------------------

def normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return " ".join(re.sub(r"[^\w' ]+", " ", text).split())


def training_sentences() -> set[str]:
    """What the intent model and the demo menus learn from or match: the built-in
    examples, the demo scripts' FAQ questions and the choices' phrases and examples."""
    found: set[str] = set()
    for lang in UNDERSTOOD:
        for lines in words_of(lang).examples.values():
            found.update(normalized(line) for line in lines.splitlines())
    for demo in DEMO_TENANTS:
        script = YAML(typ="safe").load(demo_script_text(demo.script_file))
        for entry in script.get("faq", []):
            found.update(normalized(q) for q in entry.get("questions", []))
        for step in script["steps"].values():
            for choice in step.get("choices", []) or []:
                found.update(normalized(p) for p in choice.get("phrases", []))
                found.update(normalized(p) for p in choice.get("examples", []))
    found.discard("")
    return found


def test_no_caller_sentence_is_a_training_example() -> None:
    learnt = training_sentences()
    assert len(learnt) > 100
    said = {(c.id, normalized(t.say)) for c in CALLERS.values() for t in c.says}
    clashes = sorted(f"{ident}: {words}" for ident, words in said if words in learnt)
    assert not clashes, clashes


def test_the_normalization_sees_through_case_and_punctuation() -> None:
    assert normalized("Can I book, please?") == normalized("can i book please")
    assert normalized("C’est où ?") == normalized("c'est où")


# --- what the caller hears ----------------------------------------------------------------

def test_the_caller_tells_the_prompts_apart() -> None:
    en = Markers.of("en", ["Sorry, I did not get that."])
    assert en.kind("I can offer Friday, November 20th. At 9 AM, press 1.") == "offer"
    assert en.kind("A check-up with Dr Martin, Friday at 9 AM. To confirm, press 1. "
                   "To choose another time, press 2.") == "confirm"
    assert en.kind("You'd like to book an appointment, is that right? Press 1 for yes, "
                   "or 2 for no.") == "check"
    assert en.kind("We are at 12 Main Street. Is there anything else I can help you "
                   "with?") == "anything_else"
    assert en.kind("How can I help you today?") == "open"
    assert en.missed("Sorry, I did not get that. To book, press 1.") == 1
    fr = Markers.of("fr", [])
    assert fr.kind("Je peux vous proposer le vendredi 20 novembre. À 9 h, tapez 1.") in (
        "offer", "open")


def test_the_caller_hears_the_times_said() -> None:
    assert times_said("I can offer Friday, November 20th. At 9 AM, press 1. At 9:30 AM, "
                      "press 2. At noon, press 3. For another day, press 9.", "en") == [
        time(9), time(9, 30), time(12)]
    assert times_said("A check-up, Friday, November 20th at 2:15 PM. To confirm, press 1.",
                      "en") == [time(14, 15)]
    assert times_said("Le vendredi 20 novembre. À 9 h, tapez 1. À 9 h 30, tapez 2. "
                      "À midi, tapez 3.", "fr") == [time(9), time(9, 30), time(12)]
    assert times_said("How can I help you today?", "en") == []


def test_the_caller_hears_whom_a_time_is_with() -> None:
    """Read back with another practitioner than the one wanted: "no, <theirs>"."""
    def answer(ident: str, heard: str) -> str | None:
        person = PersonOnThePhone(CALLERS[ident], Markers.of(CALLERS[ident].language, []),
                                  turn_cap=10)
        return person._wrong_who(heard)

    martin = ("A check-up with Dr Martin, Monday, November 23rd at 9 AM. To confirm, "
              "press 1. To choose another time, press 2.")
    assert answer("en-book-33", martin) == "no, Dr Okafor"  # wants Dr Okafor
    assert answer("en-book-33", martin.replace("Dr Martin", "Dr Okafor")) is None
    assert answer("en-book-23", martin) is None  # anyone will do
    assert answer("fr-book-33", "Un contrôle avec le docteur Martin, le lundi 23 novembre "
                                "à 9 h.") == "non, la docteure Okafor"


def test_asked_whom_a_caller_names_the_practitioner_they_want() -> None:
    def whom(ident: str) -> str:
        person = PersonOnThePhone(CALLERS[ident], Markers.of(CALLERS[ident].language, []),
                                  turn_cap=10)
        return person._whom()

    assert whom("en-book-05") == "Dr Okafor"  # wants Dr Okafor
    assert whom("fr-book-21") == "le docteur Martin"
    assert whom("en-book-23") == "whoever is free first"  # anyone will do
