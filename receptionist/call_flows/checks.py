"""Script checks pydantic cannot make: every exit names a step, each kind's own rules
(a menu's digits…), and no loop of steps that never waits for the caller. Each problem
carries the location of the offending field, so that the loader reports its YAML line."""

from __future__ import annotations

import re
from collections.abc import Mapping

from receptionist.appointments.models import UNIT_MINUTES
from receptionist.call_flows.menu_keys import unknown_keys
from receptionist.call_flows.registry import kind_of
from receptionist.call_flows.schema import BookStep, Loc, MenuStep, Script
from receptionist.catalog_text import CatalogText
from receptionist.i18n import N_
from receptionist.voice import catalog

# A problem's reason: a catalog message (`script.problem.*`), or the words of a step
# kind's own check.
Reason = CatalogText | str

# Practitioner and type ids: a practitioner's is also its agenda's slug (and URL part).
BOOKING_ID = r"^[a-z][a-z0-9_-]{0,63}$"


def graph_problems(script: Script) -> list[tuple[Loc, Reason]]:
    problems: list[tuple[Loc, Reason]] = []

    def check(loc: Loc, target: str | None) -> None:
        if target is not None and target not in script.steps:
            problems.append((loc, CatalogText(N_("script.problem.missing_step"), step=target)))

    check(("start",), script.start)
    if script.main_menu is not None:
        check(("main_menu",), script.main_menu)
        if script.main_menu in script.steps and not isinstance(
            script.steps[script.main_menu], MenuStep
        ):
            problems.append((("main_menu",), CatalogText(
                N_("script.problem.main_menu_not_menu"), step=script.main_menu)))
    for sid, step in script.steps.items():
        base: Loc = ("steps", sid)
        kind = kind_of(step)
        # A step's own fields first (next, fallback…), then nested ones (a menu's choices).
        exits = sorted(kind.exits(step), key=lambda e: len(e.loc) > 1)
        for way in exits:
            check((*base, *way.loc), way.target)
        problems.extend(((*base, *loc), reason) for loc, reason in kind.problems(step))
    problems.extend(prompt_key_problems(script))
    problems.extend(_faq_problems(script))
    problems.extend(booking_problems(script))
    problems.extend(_instant_loops(script))
    problems.extend(voice_problems(script))
    return problems


def prompt_key_problems(script: Script) -> list[tuple[Loc, Reason]]:
    """A menu prompt that tells callers to press a key none of its choices has ("For our
    opening hours, press 3" once the hours moved to 4): callers would press it in vain."""
    found: list[tuple[Loc, Reason]] = []
    for sid, step in script.steps.items():
        if isinstance(step, MenuStep):
            found.extend((("steps", sid, name), CatalogText(
                N_("script.problem.prompt_key_missing"), key=key))
                for name, key in unknown_keys(step, script.language))
    return found


def voice_problems(script: Script) -> list[tuple[Loc, Reason]]:
    """A local voice that is not installed here (or nothing installed speaks the
    script's language): refused, rather than calls falling back to Twilio's voice."""
    if not catalog.is_local(script.voice):
        return []
    assert script.voice is not None
    try:
        catalog.choose(script.voice, script.language)
    except catalog.VoiceProblem as exc:
        return [(("voice",), exc.text)]
    return []


def _faq_problems(script: Script) -> list[tuple[Loc, Reason]]:
    found: list[tuple[Loc, Reason]] = []
    if script.understanding.confirm > script.understanding.route:
        found.append((("understanding", "confirm"),
                      CatalogText(N_("script.problem.confirm_above_route"))))
    seen: dict[str, int] = {}
    for index, entry in enumerate(script.faq):
        loc: Loc = ("faq", index)
        if entry.next is not None and entry.next not in script.steps:
            found.append(((*loc, "next"), CatalogText(N_("script.problem.missing_step"),
                                                       step=entry.next)))
        if entry.intent is None and not entry.questions:
            found.append((loc, CatalogText(N_("script.problem.faq_unaskable"))))
        if entry.intent is not None:
            if entry.intent in seen:
                found.append(((*loc, "intent"), CatalogText(
                    N_("script.problem.faq_intent_twice"), intent=entry.intent,
                    entry=str(seen[entry.intent] + 1))))
            seen.setdefault(entry.intent, index)
    return found


def _claimed(found: list[tuple[Loc, Reason]], seen: dict[str, str], key: str, owner: str,
             loc: Loc, taken: str) -> None:
    """Record that `owner` uses `key` (a digit, a phrase); a second owner is a problem,
    said by the message `taken` (a digit's, words', a name's)."""
    other = seen.setdefault(key, owner)
    if other != owner:
        found.append((loc, CatalogText(taken, key=key, owner=other)))


def booking_problems(script: Script) -> list[tuple[Loc, Reason]]:
    """Practitioners with working hours and told apart; appointment types that do not
    overlap (one digit, one phrase, one name each) and name known practitioners; `book`
    steps that name a known type and practitioner."""
    found: list[tuple[Loc, Reason]] = []
    booking = script.booking
    people = booking.practitioners
    digits: dict[str, str] = {}
    words: dict[str, str] = {}
    for pid, person in people.items():
        loc: Loc = ("booking", "practitioners", pid)
        if not re.match(BOOKING_ID, pid):
            found.append((loc, CatalogText(N_("script.problem.practitioner_id"), id=pid)))
        hours = person.hours if person.hours is not None else script.hours
        if not any(hours.values()):
            found.append((loc, CatalogText(N_("script.problem.practitioner_no_hours"), id=pid)))
        if person.digit is not None:
            _claimed(found, digits, person.digit, pid, (*loc, "digit"),
                     N_("script.problem.digit_taken"))
        for index, said in enumerate([person.name, *person.phrases]):
            where = (*loc, "phrases", index - 1) if index else (*loc, "name")
            _claimed(found, words, said.strip().lower(), pid, where,
                     N_("script.problem.words_taken"))
    digits, words = {}, {}
    names: dict[str, str] = {}
    for tid, kind in booking.types.items():
        loc = ("booking", "types", tid)
        if not re.match(BOOKING_ID, tid):
            found.append((loc, CatalogText(N_("script.problem.type_id"), id=tid)))
        for field in ("minutes", "buffer"):
            if getattr(kind, field) % UNIT_MINUTES:
                found.append(((*loc, field), CatalogText(N_("script.problem.minutes_unit"),
                                                        unit=UNIT_MINUTES)))
        if kind.digit is not None:
            _claimed(found, digits, kind.digit, tid, (*loc, "digit"),
                     N_("script.problem.digit_taken"))
        _claimed(found, names, kind.name.strip().lower(), tid, (*loc, "name"),
                 N_("script.problem.name_taken"))
        for field in ("phrases", "examples"):
            for index, said in enumerate(getattr(kind, field)):
                _claimed(found, words, said.strip().lower(), tid, (*loc, field, index),
                         N_("script.problem.words_taken"))
        for index, pid in enumerate(kind.practitioners or []):
            if pid not in people:
                found.append(((*loc, "practitioners", index), CatalogText(
                    N_("script.problem.unknown_practitioner"), name=pid, known=_known(people))))
    for sid, step in script.steps.items():
        if isinstance(step, BookStep):
            found.extend(_book_step_problems(script, sid, step))
    return found


def _known(declared: Mapping[str, object]) -> str | CatalogText:
    """The ids declared, as a problem about an unknown one lists them."""
    return ", ".join(sorted(declared)) or CatalogText(N_("script.problem.none_declared"))


def _book_step_problems(script: Script, sid: str, step: BookStep) -> list[tuple[Loc, Reason]]:
    found: list[tuple[Loc, Reason]] = []
    booking = script.booking
    if step.type is not None and step.type not in booking.types:
        found.append((("steps", sid, "type"),
                      CatalogText(N_("script.problem.unknown_type"), name=step.type,
                                  known=_known(booking.types))))
    if step.practitioner is not None:
        if step.practitioner not in booking.practitioners:
            found.append((("steps", sid, "practitioner"), CatalogText(
                N_("script.problem.unknown_practitioner"), name=step.practitioner,
                known=_known(booking.practitioners))))
        elif step.type in booking.types:
            offered = booking.types[step.type].practitioners
            if offered is not None and step.practitioner not in offered:
                found.append((("steps", sid, "practitioner"),
                              CatalogText(N_("script.problem.type_not_offered"),
                                          practitioner=step.practitioner, type=step.type)))
    return found


# Built-in intents callers ask for at a main menu, as a warning names them.
ASKED_FOR = {
    "book": N_("script.problem.wish.book"),
    "manage_booking": N_("script.problem.wish.manage_booking"),
    "message": N_("script.problem.wish.message"),
    "transfer": N_("script.problem.wish.transfer"),
    "location": N_("script.problem.wish.location"),
}


def intent_warnings(script: Script) -> list[tuple[Loc, Reason]]:
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
    found: list[tuple[Loc, Reason]] = []
    for intent, wish in ASKED_FOR.items():
        if intent in claimed:
            continue
        target = instead(menu, intent)
        assert target is not None
        then = (CatalogText(N_("script.problem.offered_instead"),
                            choice=target.choice.intent)
                if target.choice is not None else CatalogText(N_("script.problem.told_no")))
        where = (CatalogText(N_("script.problem.add_faq_location")) if intent == "location"
                 else CatalogText(N_("script.problem.add_choice"), intent=intent))
        found.append((("steps", menu_id, "choices"), CatalogText(
            N_("script.problem.unsent_intent"), wish=CatalogText(wish), intent=intent,
            then=then, where=where)))
    return found


def _instant_edges(script: Script, step_id: str) -> list[str]:
    """Where a step goes without waiting for the caller."""
    step = script.steps[step_id]
    return [e.target for e in kind_of(step).exits(step) if e.instant and e.target]


def _instant_loops(script: Script) -> list[tuple[Loc, Reason]]:
    """Cycles made only of steps that never wait (say -> say...) would loop forever.

    Depth-first with an explicit stack: a chain of thousands of steps must not overflow
    Python's recursion limit."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[tuple[Loc, Reason]] = []
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
                found.append((("steps", nxt), CatalogText(N_("script.problem.instant_loop"),
                                                         cycle=" -> ".join(cycle))))
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(_instant_edges(script, nxt)))
    return found
