"""Script checks pydantic cannot make: every exit names a step, each kind's own rules
(a menu's digits…), and no loop of steps that never waits for the caller. Each problem
carries the location of the offending field, so that the loader reports its YAML line."""

from __future__ import annotations

import re
from collections.abc import Mapping

from receptionist.appointments.models import UNIT_MINUTES
from receptionist.call_flows.registry import kind_of
from receptionist.call_flows.schema import BookStep, Loc, MenuStep, Script

# Practitioner and type ids: a practitioner's is also its agenda's slug (and URL part).
BOOKING_ID = r"^[a-z][a-z0-9_-]{0,63}$"


def graph_problems(script: Script) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []

    def check(loc: Loc, target: str | None) -> None:
        if target is not None and target not in script.steps:
            problems.append((loc, f"refers to missing step {target!r}"))

    check(("start",), script.start)
    if script.main_menu is not None:
        check(("main_menu",), script.main_menu)
        if script.main_menu in script.steps and not isinstance(
            script.steps[script.main_menu], MenuStep
        ):
            problems.append((("main_menu",), f"step {script.main_menu!r} is not a menu"))
    for sid, step in script.steps.items():
        base: Loc = ("steps", sid)
        kind = kind_of(step)
        # A step's own fields first (next, fallback…), then nested ones (a menu's choices).
        exits = sorted(kind.exits(step), key=lambda e: len(e.loc) > 1)
        for way in exits:
            check((*base, *way.loc), way.target)
        problems.extend(((*base, *loc), reason) for loc, reason in kind.problems(step))
    problems.extend(_faq_problems(script))
    problems.extend(booking_problems(script))
    problems.extend(_instant_loops(script))
    return problems


def _faq_problems(script: Script) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    if script.understanding.confirm > script.understanding.route:
        found.append((("understanding", "confirm"), "must not be above `route`"))
    seen: dict[str, int] = {}
    for index, entry in enumerate(script.faq):
        loc: Loc = ("faq", index)
        if entry.next is not None and entry.next not in script.steps:
            found.append(((*loc, "next"), f"refers to missing step {entry.next!r}"))
        if entry.intent is None and not entry.questions:
            found.append((loc, "an answer needs `questions` (or a built-in `intent` such as "
                               "location), or it can never be asked"))
        if entry.intent is not None:
            if entry.intent in seen:
                found.append(((*loc, "intent"), f"intent {entry.intent!r} is already "
                                                f"answered by entry {seen[entry.intent] + 1}"))
            seen.setdefault(entry.intent, index)
    return found


def _claimed(found: list[tuple[Loc, str]], seen: dict[str, str], key: str, owner: str,
             loc: Loc, what: str) -> None:
    """Record that `owner` uses `key` (a digit, a phrase); a second owner is a problem."""
    other = seen.setdefault(key, owner)
    if other != owner:
        found.append((loc, f"{what} {key!r} is already {other!r}'s: callers could not tell "
                           "them apart"))


def booking_problems(script: Script) -> list[tuple[Loc, str]]:
    """Practitioners with working hours and told apart; appointment types that do not
    overlap (one digit, one phrase, one name each) and name known practitioners; `book`
    steps that name a known type and practitioner."""
    found: list[tuple[Loc, str]] = []
    booking = script.booking
    people = booking.practitioners
    digits: dict[str, str] = {}
    words: dict[str, str] = {}
    for pid, person in people.items():
        loc: Loc = ("booking", "practitioners", pid)
        if not re.match(BOOKING_ID, pid):
            found.append((loc, f"practitioner id {pid!r} must be lower-case letters, digits, "
                               "_ or - (it names their agenda)"))
        hours = person.hours if person.hours is not None else script.hours
        if not any(hours.values()):
            found.append((loc, f"practitioner {pid!r} has no working hours: give them "
                               "`hours:` (mon: [09:00-17:00] ...) or give the business "
                               "`hours:`"))
        if person.digit is not None:
            _claimed(found, digits, person.digit, pid, (*loc, "digit"), "digit")
        for index, said in enumerate([person.name, *person.phrases]):
            where = (*loc, "phrases", index - 1) if index else (*loc, "name")
            _claimed(found, words, said.strip().lower(), pid, where, "the words")
    digits, words = {}, {}
    names: dict[str, str] = {}
    for tid, kind in booking.types.items():
        loc = ("booking", "types", tid)
        if not re.match(BOOKING_ID, tid):
            found.append((loc, f"type id {tid!r} must be lower-case letters, digits, _ or -"))
        for field in ("minutes", "buffer"):
            if getattr(kind, field) % UNIT_MINUTES:
                found.append(((*loc, field), f"must be a multiple of {UNIT_MINUTES} minutes"))
        if kind.digit is not None:
            _claimed(found, digits, kind.digit, tid, (*loc, "digit"), "digit")
        _claimed(found, names, kind.name.strip().lower(), tid, (*loc, "name"), "the name")
        for field in ("phrases", "examples"):
            for index, said in enumerate(getattr(kind, field)):
                _claimed(found, words, said.strip().lower(), tid, (*loc, field, index),
                         "the words")
        for index, pid in enumerate(kind.practitioners or []):
            if pid not in people:
                found.append(((*loc, "practitioners", index), _unknown(
                    "practitioner", pid, people)))
    for sid, step in script.steps.items():
        if isinstance(step, BookStep):
            found.extend(_book_step_problems(script, sid, step))
    return found


def _unknown(what: str, name: str, declared: Mapping[str, object]) -> str:
    known = ", ".join(sorted(declared)) or "none"
    plural = "practitioners" if what == "practitioner" else "types"
    return f"unknown {what} {name!r} (declared under booking.{plural}: {known})"


def _book_step_problems(script: Script, sid: str, step: BookStep) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    booking = script.booking
    if step.type is not None and step.type not in booking.types:
        found.append((("steps", sid, "type"),
                      _unknown("appointment type", step.type, booking.types)))
    if step.practitioner is not None:
        if step.practitioner not in booking.practitioners:
            found.append((("steps", sid, "practitioner"), _unknown(
                "practitioner", step.practitioner, booking.practitioners)))
        elif step.type in booking.types:
            offered = booking.types[step.type].practitioners
            if offered is not None and step.practitioner not in offered:
                found.append((("steps", sid, "practitioner"),
                              f"{step.practitioner!r} does not offer type {step.type!r}"))
    return found


# Built-in intents callers ask for at a main menu, as a warning names them.
ASKED_FOR = {
    "book": "book an appointment",
    "manage_booking": "change, cancel or check an appointment",
    "message": "leave a message",
    "transfer": "speak with someone",
    "location": "know where you are",
}


def intent_warnings(script: Script) -> list[tuple[Loc, str]]:
    """What the model understands at the main menu but the script has nowhere to send: a
    built-in intent with no choice (nor FAQ entry). Not errors: the caller hears an honest
    answer and the nearest choice (`meaning.instead`), which each warning says."""
    from receptionist.call_flows.meaning import faq_intent, instead

    menu_id = script.menu_step_id()
    menu = script.main_menu_step()
    if menu_id is None or menu is None:
        return []
    claimed = {c.intent for c in menu.choices}
    claimed |= {faq_intent(i, e) for i, e in enumerate(script.faq)}
    if "transfer" in claimed or "message" in claimed:
        claimed.add("urgent")
    found: list[tuple[Loc, str]] = []
    for intent, wish in ASKED_FOR.items():
        if intent in claimed:
            continue
        target = instead(menu, intent)
        assert target is not None
        then = (f"are offered the choice {target.choice.intent!r} instead"
                if target.choice is not None else "are told it cannot be done")
        where = ("an FAQ entry with `intent: location`" if intent == "location"
                 else f"a choice with `intent: {intent}`")
        found.append((("steps", menu_id, "choices"),
                      f"callers who ask to {wish} (intent {intent!r}) {then}: add {where}"))
    return found


def _instant_edges(script: Script, step_id: str) -> list[str]:
    """Where a step goes without waiting for the caller."""
    step = script.steps[step_id]
    return [e.target for e in kind_of(step).exits(step) if e.instant and e.target]


def _instant_loops(script: Script) -> list[tuple[Loc, str]]:
    """Cycles made only of steps that never wait (say -> say...) would loop forever.

    Depth-first with an explicit stack: a chain of thousands of steps must not overflow
    Python's recursion limit."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[tuple[Loc, str]] = []
    for root in script.steps:
        if root in state:
            continue
        state[root] = 1
        path = [root]
        stack = [iter(_instant_edges(script, root))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif nxt not in script.steps:
                continue
            elif state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                found.append((("steps", nxt), "steps loop without ever waiting for the caller: "
                              + " -> ".join(cycle)))
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(_instant_edges(script, nxt)))
    return found
