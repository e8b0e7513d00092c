"""What a caller books, from the script's `booking` section: which appointment type, with
which practitioner ("anyone": whoever is free first), and the keys and words that name
them. Pure functions of the script (no database)."""

from __future__ import annotations

from dataclasses import dataclass

from receptionist.appointments.free_times import Kind
from receptionist.call_flows.listening import SpokenOption
from receptionist.call_flows.schema import BookStep, ManageBookingStep, Script
from receptionist.understanding.lang import words_of
from receptionist.understanding.phrase_match import match_intent, normalize

ANYONE = "*"
ANYONE_KEY = "0"


@dataclass(frozen=True)
class Want:
    """What the caller is booking: `type` ("" when the script has no types) and `who` (""
    when the script has no practitioners: the step's agenda; ANYONE; or an id)."""

    type: str = ""
    who: str = ""

    def query(self) -> dict[str, str | int]:
        return {name: value for name, value in (("type", self.type), ("who", self.who))
                if value}


def kind(script: Script, type_id: str) -> Kind | None:
    found = script.booking.types.get(type_id)
    if found is None:
        return None
    return Kind(type_id, found.minutes, found.buffer, found.notice_minutes, found.horizon_days)


def offering(script: Script, type_id: str) -> list[str]:
    """The practitioners (ids, in script order) who offer the type (all when any)."""
    people = list(script.booking.practitioners)
    found = script.booking.types.get(type_id)
    if found is None or found.practitioners is None:
        return people
    return [pid for pid in people if pid in found.practitioners]


def agenda_slugs(script: Script, step: BookStep | ManageBookingStep, want: Want) -> list[str]:
    """Whose time an offer searches: the chosen practitioner, everyone who offers the type
    (ANYONE), or the step's own agenda when the script has no practitioners."""
    if not script.booking.practitioners:
        return [step.agenda] if isinstance(step, BookStep) else []
    if want.who == ANYONE:
        return offering(script, want.type)
    return [want.who] if want.who in script.booking.practitioners else []


def _keyed(items: dict[str, str | None]) -> dict[str, str]:
    """{id: its digit}: the declared digit, else the next unused one from 1."""
    taken = {digit for digit in items.values() if digit}
    free = (str(n) for n in range(1, 10) if str(n) not in taken)
    return {item: digit or next(free) for item, digit in items.items()}


def type_keys(script: Script) -> dict[str, str]:
    """{digit: type id} of the types callers may choose."""
    keyed = _keyed({tid: t.digit for tid, t in script.booking.types.items()})
    return {digit: tid for tid, digit in sorted(keyed.items(), key=lambda item: item[1])}


def who_keys(script: Script, ids: list[str]) -> dict[str, str]:
    """{digit: practitioner id} among `ids`, and 0 for whoever is free first."""
    people = script.booking.practitioners
    keyed = _keyed({pid: people[pid].digit for pid in ids if pid in people})
    keys = {digit: pid for pid, digit in sorted(keyed.items(), key=lambda item: item[1])}
    return {**keys, ANYONE_KEY: ANYONE}


def type_words(script: Script) -> dict[str, list[str]]:
    """{digit: what callers say} for the type prompt."""
    types = script.booking.types
    return {digit: [types[tid].name, *types[tid].phrases, *types[tid].examples]
            for digit, tid in type_keys(script).items()}


def who_words(script: Script, ids: list[str], language: str) -> dict[str, list[str]]:
    people = script.booking.practitioners
    words = {digit: [people[pid].name, *people[pid].phrases]
             for digit, pid in who_keys(script, ids).items() if pid != ANYONE}
    words[ANYONE_KEY] = list(words_of(language).booking_keys["who"][ANYONE_KEY])
    return words


def _pick(words: dict[str, list[str]], said: str, language: str) -> str | None:
    options = tuple(SpokenOption(intent=f"key{digit}", digit=digit, phrases=tuple(phrases))
                    for digit, phrases in words.items())
    match = match_intent(said, options, language)
    return match.choice.digit if match.choice is not None else None


def type_in(script: Script, said: str, language: str) -> str | None:
    """The type a caller's words name ("a cleaning next week"), or None; when they name
    several, the one named after the caller took the first back ("a check-up, no
    wait, a cleaning")."""
    if not script.booking.types or not said.strip():
        return None
    for part in _said_last_first(said, language):
        digit = _pick(type_words(script), part, language)
        if digit is not None:
            return type_keys(script).get(digit)
    return None


def who_in(script: Script, ids: list[str], said: str, language: str) -> str | None:
    """The practitioner (or ANYONE) a caller's words name ("with Dr Martin"), or None;
    when they name several, the one named after the caller took the first back ("Dr
    Okafor, oh wait, no, Dr Martin")."""
    if not script.booking.practitioners or not said.strip():
        return None
    whole, *corrected = _said_last_first(said, language)
    names = who_words(script, ids, language)
    for part in (whole, *corrected):
        digit = _pick(names, _without_when_words(part, names, language), language)
        if digit is None:
            continue
        found = who_keys(script, ids).get(digit)
        if found not in (None, ANYONE) and _negated(part):
            if part is whole and corrected:
                continue  # "no, Dr Martin": read after the correction
            return None  # "not Dr Martin, someone else": ask rather than book the one refused
        return found
    return None


def _without_when_words(said: str, names: dict[str, list[str]], language: str) -> str:
    """The words with those of days and times left out (« jeudi matin », "Monday"),
    unless a name says them exactly: « matin » is a near match for "Martin" but means
    the morning."""
    lang = words_of(language)
    named = {w for phrases in names.values() for p in phrases for w in normalize(p)}
    when = {w for item in (*lang.weekdays, *lang.months, *lang.parts_of_day)
            for w in normalize(item)} - named
    return " ".join(w for w in normalize(said) if w not in when)


def _said_last_first(said: str, language: str) -> list[str]:
    """The whole sentence, then, when the caller took something back in it, what they
    said after each correction ("wait", "no", « pardon »), the last first: a choice is
    read there only when the whole sentence names none or several. The "no" that opens a
    correction ("wait, no, Dr Martin") refuses what came before, not what follows."""
    words = normalize(said[:300])
    corrections = [c.split() for c in words_of(language).corrections]
    parts: list[list[str]] = [[]]
    index = 0
    while index < len(words):
        taken = next((c for c in corrections if words[index:index + len(c)] == c), None)
        if taken is None:
            parts[-1].append(words[index])
            index += 1
        else:
            parts.append([])
            index += len(taken)
    return [said, *(" ".join(part) for part in reversed(parts[1:]) if part)]


# Words that turn a name into a refusal ("not Dr Martin", « pas avec l'hygiéniste »).
_NEGATIONS = frozenset({"not", "no", "dont", "don", "t", "isnt", "except", "without", "else",
                        "other", "pas", "sauf", "sans", "autre", "plutot"})


def _negated(said: str) -> bool:
    return bool(_NEGATIONS & set(normalize(said)))


def type_name(script: Script, type_id: str) -> str:
    found = script.booking.types.get(type_id)
    return found.name if found is not None else ""


def who_name(script: Script, slug: str) -> str:
    found = script.booking.practitioners.get(slug)
    return found.name if found is not None else ""
