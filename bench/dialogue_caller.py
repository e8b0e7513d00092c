"""The person on the phone in the whole-call benchmark: answers each prompt of a call
from a scripted caller (bench/dialogue_data.py) and counts what the call cost them.

What a prompt asks is read from the words the caller heard, by the receptionist's own
catalog sentences (so the French and English prompts are told apart alike)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cache

from bench.dialogue_data import Caller, Turn, Window
from receptionist.appointments.spoken import spoken_time
from receptionist.i18n import gettext
from receptionist.twilio.simulator import Heard, Recording, SimulationError, Spoken

MARK = "\u00a7"
# msgid -> the fields it takes: the prompt kinds the caller tells apart.
PROMPTS: dict[str, tuple[str, dict[str, str]]] = {
    "booking.confirm": ("confirm", {"when": MARK}),
    "booking.confirm_what": ("confirm", {"what": MARK, "when": MARK}),
    "call.confirm_intent": ("check", {"label": MARK}),
    "call.confirm_question": ("check", {"words": MARK}),
    "booking.offer_intro": ("offer", {"day": MARK}),
    "booking.found": ("found", {"when": MARK}),
    "booking.ask_type": ("type", {}),
    "booking.ask_who": ("who", {}),
    "call.anything_else": ("anything_else", {}),
    "call.use_keypad": ("keypad", {}),
}
# Prompts a free turn answers (besides the open question).
FREE_AT = (None, "type", "found")
NOT_UNDERSTOOD = ("call.not_understood", "call.invalid_choice", "call.no_input")
YES = {"en": "yes", "fr": "oui"}
NO = {"en": "no", "fr": "non"}
# What each goal would agree to be taken to, among the menu's actions (the answers to
# questions, FAQ and hours, do no harm: a caller lets them be).
ACTIONS = ("book", "message", "transfer", "urgent", "manage")
WANTS = {"book": ("book",), "cancel": ("manage",), "move": ("manage",),
         "lookup": ("manage",), "message": ("message",),
         "urgent": ("message", "transfer", "urgent"), "transfer": ("transfer",),
         "faq": (), "hours": (), "nothing": ()}


def agrees(goal: str, intent: str | None) -> bool:
    """Whether a caller with `goal` says yes to being taken to `intent`."""
    if intent is None:
        return True
    action = next((a for a in ACTIONS if intent.startswith(a)), None)
    return action is None or action in WANTS[goal]
ANYONE = {"en": "whoever is free first", "fr": "peu importe, le premier disponible"}
# Asked whom they would like to see, a caller who wants one practitioner names them.
NAMES = {"en": {"martin": "Dr Martin", "okafor": "Dr Okafor", "lee": "Sam Lee"},
         "fr": {"martin": "le docteur Martin", "okafor": "la docteure Okafor",
                "lee": "Camille Lee"}}
FIRST = {"en": "the first one", "fr": "le premier"}
ORDINALS = {"en": ("the first one", "the second one", "the third one"),
            "fr": ("le premier", "le deuxième", "le troisième")}
AT = {"en": "at", "fr": "à"}
PART_OF_DAY = {"en": ("in the morning", "in the afternoon"),
               "fr": ("le matin", "l'après-midi")}
WEEKDAYS = {"en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                   "sunday"),
            "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")}
MESSAGE_SECONDS = 8
NAME_SECONDS = 3


def _once(texts: list[str]) -> str:
    """The sentences heard, a prompt said twice in a row (after a pause) written once."""
    kept = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]
    return " ".join(kept)


def _marker(language: str, msgid: str, fields: dict[str, str]) -> str:
    """The longest fixed part of the sentence: what shows it was said."""
    parts = gettext(language, msgid, **fields).split(MARK)
    return max((p.strip(" .,:?") for p in parts), key=len)


@cache
def _spoken_times(language: str) -> list[tuple[str, time]]:
    """Every time the receptionist may say (a 5-minute grid, 6 AM to 10 PM), as it says
    it (its own catalog), the longest first ("9:30 AM" before "9 AM")."""
    said = [(spoken_time(datetime(2026, 1, 5, hour, minute), language), time(hour, minute))
            for hour in range(6, 22) for minute in range(0, 60, 5)]
    return sorted(said, key=lambda pair: -len(pair[0]))


def times_said(heard: str, language: str) -> list[time]:
    """The times a prompt names, in the order said."""
    found: list[tuple[int, time]] = []
    taken: list[range] = []
    for words, at in _spoken_times(language):
        for match in re.finditer(rf"(?<![\w:]){re.escape(words)}(?![\w:])", heard):
            span = range(match.start(), match.end())
            if not any(span.start in t or span.stop - 1 in t for t in taken):
                taken.append(span)
                found.append((match.start(), at))
    return [at for _, at in sorted(found)]


def _narrow(window: Window | None) -> bool:
    """A window that is part of a day: the caller cares about the time."""
    return window is not None and (window.start > time(0) or window.end < time(23, 59))


@dataclass
class Markers:
    language: str
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (marker, kind)
    misses: list[str] = field(default_factory=list)
    # The menu's "is that right?" questions and the intent each one is about.
    checks: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, language: str, reprompts: list[str],
           checks: list[tuple[str, str]] | None = None) -> Markers:
        kinds = [(_marker(language, msgid, fields), kind)
                 for msgid, (kind, fields) in PROMPTS.items()]
        misses = [gettext(language, m) for m in NOT_UNDERSTOOD] + reprompts
        return cls(language, kinds, sorted({m.strip() for m in misses if m.strip()}),
                   checks or [])

    def checked(self, heard: str) -> str | None:
        """The intent an "is that right?" question is about (None: not known)."""
        found = [(heard.rfind(q), intent) for q, intent in self.checks if q in heard]
        return max(found)[1] if found else None

    def kind(self, heard: str) -> str:
        """What the prompt asks: the last question it ends with wins."""
        found = [(heard.rfind(marker), kind) for marker, kind in self.kinds
                 if marker and marker in heard]
        return max(found)[1] if found else "open"

    def missed(self, heard: str) -> int:
        """1 when the words say the receptionist did not understand (or hear) the
        caller, else 0: a prompt says it once, its sentence maybe said twice."""
        return int(any(m in heard for m in self.misses))


@dataclass
class Talk:
    """One line of the transcript."""

    who: str  # caller, receptionist
    text: str


@dataclass
class PersonOnThePhone:
    """Implements the simulator's Caller: answers from the scripted caller."""

    caller: Caller
    markers: Markers
    turn_cap: int
    left: list[Turn] = field(init=False)
    turns: int = 0
    confirmations: int = 0
    misses: int = 0
    keypad_ending: bool = False
    gave_up: bool = False
    repeated: bool = False
    last: str | None = None  # the caller's last free words (not a yes, no or pick)
    last_who: str | None = None  # the answer to "who would you like to see?"
    refused: bool = False  # said no to an "is that right?": will say it again
    transcript: list[Talk] = field(default_factory=list)
    dial_seconds: int = 30
    dial_key: str = "1"
    answered_by: int = 0
    seen: set[int] = field(default_factory=set)
    # Everything the call said so far (the simulator's list), for the transcript.
    said: list[Heard] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.left = list(self.caller.says)

    def _hear(self, prompt: list[Heard]) -> str:
        """The prompt's words, and the new ones into the transcript."""
        fresh = []
        for h in [*self.said, *prompt]:  # the prompt is in `said` too: each once
            if h.text and id(h) not in self.seen:
                fresh.append(h.text)
            self.seen.add(id(h))
        if fresh:
            self.transcript.append(Talk("receptionist", _once(fresh)))
        text = " ".join(h.text for h in prompt if h.text)
        self.misses += self.markers.missed(" ".join(fresh))
        return text

    def hung_up(self) -> None:
        """What the caller heard after their last answer (the goodbye)."""
        fresh = [h.text for h in self.said if h.text and id(h) not in self.seen]
        self.seen.update(id(h) for h in self.said)
        if fresh:
            self.transcript.append(Talk("receptionist", _once(fresh)))
            self.misses += self.markers.missed(" ".join(fresh))

    def _say(self, words: str, free: bool = False) -> Spoken | None:
        """The words, or None when the caller would say them a third time in a row:
        going round in circles, they hang up."""
        said = [t.text for t in self.transcript if t.who == "caller"]
        if said[-2:] == [words, words]:
            self.gave_up = True
            return None
        self.turns += 1
        if free:
            self.last = words
        self.transcript.append(Talk("caller", words))
        return Spoken(words)

    def _take(self, at: str | None) -> str | None:
        """The next scripted turn for this kind of prompt (None: none is meant for it).
        A free turn answers any open prompt; a turn kept for the type or the
        practitioner is looked for further on when the receptionist asks for it."""
        if self.left and self.left[0].at in (at, None if at in FREE_AT else "-"):
            return self.left.pop(0).say
        if at in ("type", "who"):
            for index, turn in enumerate(self.left):
                if turn.at == at:
                    return self.left.pop(index).say
        return None

    def _whom(self) -> str:
        """Whom the caller asks for: the one practitioner they want, else anyone."""
        window = self.caller.expect.booking
        wanted = [w for w in window.who if w] if window is not None else []
        names = NAMES[self.caller.language]
        if len(wanted) == 1 and wanted[0] in names:
            return names[wanted[0]]
        return ANYONE[self.caller.language]

    def _wrong_day(self, heard: str) -> str | None:
        """What a caller says to a time offered or read back on a day they did not ask
        for: "no, Friday" (None: the day is one of theirs, none is named, or any day
        would do). The day checked is the last one the prompt names (a preface may name
        another: "nothing is free on Friday; I can offer Monday")."""
        window = self.caller.expect.booking
        if window is None or not window.days:
            return None
        names = WEEKDAYS[self.caller.language]
        said = heard.lower()
        named = [(said.rfind(name), name) for name in names if name in said]
        if not named:
            return None
        wanted = [names[day.weekday()] for day in window.days]
        if max(named)[1] in wanted:
            return None
        return f"{NO[self.caller.language]}, {wanted[0]}"

    def _their_time(self) -> str:
        """How the caller says the time they want: "no, at 11 AM", "no, in the
        afternoon" (an exact time is a window of a minute or so)."""
        window = self.caller.expect.booking
        assert window is not None
        language = self.caller.language
        minutes = (window.end.hour * 60 + window.end.minute
                   - window.start.hour * 60 - window.start.minute)
        if minutes <= 5:
            moment = datetime(2026, 1, 5, window.start.hour, window.start.minute)
            return f"{NO[language]}, {AT[language]} {spoken_time(moment, language)}"
        morning, afternoon = PART_OF_DAY[language]
        return f"{NO[language]}, {afternoon if window.start >= time(12) else morning}"

    def _fits(self, at: time) -> bool:
        window = self.caller.expect.booking
        assert window is not None
        return window.start <= at < window.end

    def _offer_answer(self, heard: str) -> str | None:
        """At an offer, a caller who wants a time of day takes the first time offered in
        it ("the second one"), or says theirs when none is (None: any time would do, or
        no time is named)."""
        if not _narrow(self.caller.expect.booking):
            return None
        offered = times_said(heard, self.caller.language)
        if not offered:
            return None
        ordinals = ORDINALS[self.caller.language]
        fitting = [i for i, at in enumerate(offered) if self._fits(at)]
        if not fitting:
            return self._their_time()
        return ordinals[fitting[0]] if fitting[0] < len(ordinals) else None

    def _wrong_time(self, heard: str) -> str | None:
        """A time read back that is not the caller's: "no, at 11 AM" (None: it is, none
        is named, or any time would do)."""
        if not _narrow(self.caller.expect.booking):
            return None
        named = times_said(heard, self.caller.language)
        if not named or self._fits(named[-1]):
            return None
        return self._their_time()

    def _wrong_who(self, heard: str) -> str | None:
        """A practitioner read back who is not the one the caller wants: "no, Dr Okafor"
        (None: theirs, none named, or anyone would do)."""
        window = self.caller.expect.booking
        wanted = [w for w in window.who if w] if window is not None else []
        names = NAMES[self.caller.language]
        if len(wanted) != 1 or wanted[0] not in names:
            return None
        said = heard.lower()
        named = [(said.rfind(name.lower()), pid) for pid, name in names.items()
                 if name.lower() in said]
        if not named or max(named)[1] == wanted[0]:
            return None
        return f"{NO[self.caller.language]}, {names[wanted[0]]}"

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        heard = self._hear(prompt)
        if self.turns >= self.turn_cap:
            self.gave_up = True
            return None
        kind = self.markers.kind(heard)
        language = self.caller.language
        if kind == "keypad":
            self.keypad_ending = True
            self.gave_up = True
            return None
        if kind == "check":  # "You'd like to book, is that right?"
            self.confirmations += 1
            fits = agrees(self.caller.goal, self.markers.checked(heard))
            self.refused = not fits
            return self._say(self._take("check") or (YES if fits else NO)[language])
        if kind == "confirm":  # the booking's own "to confirm, press 1"
            return self._say(self._take("confirm") or self._wrong_day(heard)
                             or self._wrong_time(heard) or self._wrong_who(heard)
                             or YES[language])
        if kind == "offer":
            return self._say(self._take("offer") or self._wrong_day(heard)
                             or self.caller.pick or self._offer_answer(heard)
                             or FIRST[language])
        words = self._take(None if kind in ("open", "anything_else") else kind)
        if words is None and kind == "who":
            # Asked again after a miss: the same answer once more, else "anyone".
            again = (self.markers.missed(heard) and self.last_who is not None
                     and not self.repeated)
            self.repeated = bool(again)
            words = self.last_who if again and self.last_who else self._whom()
        if kind == "who" and words is not None:
            self.last_who = words
            return self._say(words)
        if words is not None:
            self.repeated = self.refused = False
            return self._say(words, free=True)
        if ((self.markers.missed(heard) or self.refused) and self.last is not None
                and not self.repeated):
            # Not understood (or understood wrong): the caller says it once more.
            self.repeated, self.refused = True, False
            return self._say(self.last, free=True)
        if kind not in ("anything_else", "found"):
            self.gave_up = True
            # The receptionist falls back on the keys when it lists them after a miss.
            self.keypad_ending = self.markers.missed(heard) > 0
        return None  # done, or nothing more to say: the caller hangs up

    def record(self, prompt: list[Heard]) -> Recording | None:
        heard = self._hear(prompt)
        name = gettext(self.caller.language, "booking.ask_name")
        if name.split(",")[0] in heard:
            self.turns += 1
            self.transcript.append(Talk("caller", "(says their name)"))
            return Recording(NAME_SECONDS)
        if self.caller.message:
            self.turns += 1
            self.transcript.append(Talk("caller", "(leaves a message)"))
            return Recording(MESSAGE_SECONDS)
        return None

    def dial_result(self, number: str) -> str:
        self.transcript.append(Talk("receptionist", f"(dials {number})"))
        return "no-answer"

    def screen(self, number: str, announcement: list[Heard]) -> str:
        raise SimulationError("nobody answers the transfers of the benchmark")
