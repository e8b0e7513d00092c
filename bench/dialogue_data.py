"""The scripted callers of the whole-call benchmark (tests/data/dialogues/LANG.yaml).

Each caller has a goal, a way of talking and the outcome a good receptionist reaches,
judged in the database. `says` are the caller's answers, in order, at the prompts that
leave the caller free to speak (the open question, "anything else?", what kind of
appointment, who, the appointment found); an item `{at: offer|confirm, say: …}` is kept
for that kind of question instead (a correction: "no, Thursday"). Otherwise, at a list
of times the caller says `pick` (default: the first one), to "who would you like to
see?" the practitioner they want (the one of `expect`, else "whoever is free first") and
to a "is that right?" question the language's yes. Like a real caller, they listen to
the day: times offered or read back on a day that is not one of `expect`'s get "no,
<their day>" (bench/dialogue_caller.py), not a yes; so a receptionist that misheard the
day and said so is not scored as a wrong booking, but one that books another day than
it read back still is (the judge reads the database).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "dialogues"
LANGUAGES = ("en", "fr")
NUMBERS = {"en": "+15005550006", "fr": "+33180000000"}
ZONES = {"en": "America/New_York", "fr": "Europe/Paris"}
GOALS = ("book", "cancel", "move", "lookup", "message", "urgent", "faq", "hours",
         "transfer", "nothing")
OUTCOMES = ("booked", "cancelled", "moved", "found", "message", "faq", "hours",
            "transfer", "nothing")
PROMPT_KINDS = ("offer", "confirm", "check", "type", "who", "found")
FAQ_TOPICS = ("location", "prices", "payment")
# Tuesday 17 November 2026, 10:00 where the business is: open.
DEFAULT_CLOCK = "2026-11-17T10:00"


class DataError(ValueError):
    """The data file is not what the benchmark reads."""


@dataclass(frozen=True)
class Turn:
    say: str
    at: str | None = None  # None: any open prompt; else only that kind of question


@dataclass(frozen=True)
class Window:
    """Where a booking (or a moved appointment) must land."""

    days: tuple[date, ...]
    start: time
    end: time
    who: tuple[str, ...]  # agenda slugs accepted ("" = anyone)
    type: str | None


@dataclass(frozen=True)
class Existing:
    """An appointment the caller already has (seeded before the call)."""

    who: str
    type: str
    at: datetime  # local, naive


@dataclass(frozen=True)
class Expected:
    outcome: str
    booking: Window | None = None  # booked, moved
    urgent: bool = False
    faq: str | None = None


@dataclass(frozen=True)
class Caller:
    id: str
    language: str
    goal: str
    style: str
    says: tuple[Turn, ...]
    pick: str | None
    message: bool  # leaves a message when a recording starts
    clock: datetime  # aware
    existing: Existing | None
    expect: Expected
    shortest: int
    number: str = field(default="")


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise DataError(f"{where}: missing {key!r}")
    return entry[key]


def _window(raw: dict[str, Any], where: str) -> Window:
    days = raw.get("day") or raw.get("days")
    if days is None:
        raise DataError(f"{where}: a booking needs its day(s)")
    days = days if isinstance(days, list) else [days]
    who = raw.get("who", "")
    who = who if isinstance(who, list) else [who]
    start = time.fromisoformat(str(raw.get("from", "00:00")))
    end = time.fromisoformat(str(raw.get("to", "23:59")))
    if end <= start:
        raise DataError(f"{where}: an empty time window")
    return Window(tuple(date.fromisoformat(str(d)) for d in days), start, end,
                  tuple(str(w) for w in who), raw.get("type"))


def _turn(raw: Any, where: str) -> Turn:
    if isinstance(raw, str):
        return Turn(raw)
    if isinstance(raw, dict) and set(raw) <= {"at", "say"} and "say" in raw:
        at = raw.get("at")
        if at not in PROMPT_KINDS:
            raise DataError(f"{where}: `at` is one of {PROMPT_KINDS}, not {at!r}")
        return Turn(str(raw["say"]), at)
    raise DataError(f"{where}: a turn is a sentence or {{at, say}}: {raw!r}")


def parse_caller(raw: dict[str, Any], language: str, index: int) -> Caller:
    where = f"{language}.yaml caller {raw.get('id', index)}"
    ident = str(_require(raw, "id", where))
    goal = _require(raw, "goal", where)
    if goal not in GOALS:
        raise DataError(f"{where}: goal {goal!r} is not one of {GOALS}")
    expect_raw = _require(raw, "expect", where)
    outcome = _require(expect_raw, "outcome", where)
    if outcome not in OUTCOMES:
        raise DataError(f"{where}: outcome {outcome!r} is not one of {OUTCOMES}")
    booking = (_window(_require(expect_raw, "booking", where), where)
               if outcome in ("booked", "moved") else None)
    faq = expect_raw.get("faq")
    if outcome == "faq" and faq not in FAQ_TOPICS:
        raise DataError(f"{where}: an FAQ outcome names its topic, one of {FAQ_TOPICS}")
    existing = None
    if "existing" in raw:
        e = raw["existing"]
        existing = Existing(str(e["who"]), str(e["type"]), datetime.fromisoformat(str(e["at"])))
    if outcome in ("cancelled", "moved", "found") and existing is None:
        raise DataError(f"{where}: {outcome} needs an existing appointment")
    says = tuple(_turn(t, where) for t in _require(raw, "says", where))
    if not says:
        raise DataError(f"{where}: the caller says nothing")
    shortest = int(_require(raw, "shortest", where))
    if shortest < 1:
        raise DataError(f"{where}: shortest is at least one turn")
    if raw.get("language", language) != language:
        raise DataError(f"{where}: in the {language} file but language {raw['language']}")
    clock = datetime.fromisoformat(str(raw.get("clock", DEFAULT_CLOCK)))
    return Caller(
        id=ident, language=language, goal=goal, style=str(raw.get("style", "")), says=says,
        pick=raw.get("pick"), message=bool(raw.get("message", outcome == "message")),
        clock=clock.replace(tzinfo=ZoneInfo(ZONES[language])), existing=existing,
        expect=Expected(outcome, booking, bool(expect_raw.get("urgent", False)), faq),
        shortest=shortest)


def load(language: str) -> list[Caller]:
    raw = YAML(typ="safe").load((DATA / f"{language}.yaml").read_text("utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("callers"), list):
        raise DataError(f"{language}.yaml: a mapping with a `callers` list")
    callers = [parse_caller(entry, language, i) for i, entry in enumerate(raw["callers"])]
    seen: set[str] = set()
    numbered = []
    prefix = "+1555" if language == "en" else "+33655"
    for index, caller in enumerate(callers):
        if caller.id in seen:
            raise DataError(f"{language}.yaml: two callers named {caller.id}")
        seen.add(caller.id)
        numbered.append(Caller(**{**caller.__dict__, "number": f"{prefix}{7000000 + index}"}))
    return numbered


def all_callers(languages: tuple[str, ...] = LANGUAGES) -> list[Caller]:
    return [caller for language in languages for caller in load(language)]
