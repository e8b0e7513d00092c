"""When a caller would like to come: "tomorrow afternoon", "Thursday at two thirty",
"the earliest you have", « jeudi à 14 h 30 », « demain matin », « le plus tôt possible ».

`parse_when` turns a sentence into a `TimeWish` (a range of days, a part of the day, an
exact time, or "as soon as possible") relative to the business's own today; the booking
step narrows its offer with it. Hours said without "am"/"pm" that cannot be business
hours in the morning (1 to 7) are afternoon hours, as a receptionist would hear them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from receptionist.understanding.lang import Words, words_of
from receptionist.understanding.phrase_match import normalize

# Parts of the day: [from, to).
PARTS = {
    "morning": (time(0), time(12)), "afternoon": (time(12), time(18)),
    "evening": (time(17), time(23, 59)), "lunch": (time(11, 30), time(14)),
    "early_morning": (time(0), time(10)), "late_morning": (time(10), time(12)),
    "early_afternoon": (time(12), time(15)), "late_afternoon": (time(15), time(18)),
}
@dataclass(frozen=True)
class TimeWish:
    """What the caller asked for. Days are the business's local dates (inclusive)."""

    first_day: date | None = None
    last_day: date | None = None
    after: time | None = None  # part of the day: from…
    before: time | None = None  # …until (exclusive)
    at: time | None = None  # an exact time
    earliest: bool = False

    def fits(self, moment_day: date, moment_time: time) -> bool:
        """Whether a local slot start is what the caller asked for (exact time aside)."""
        if self.first_day is not None and moment_day < self.first_day:
            return False
        if self.last_day is not None and moment_day > self.last_day:
            return False
        if self.after is not None and moment_time < self.after:
            return False
        return not (self.before is not None and moment_time >= self.before)

    @property
    def has_day(self) -> bool:
        return self.first_day is not None or self.last_day is not None

    @property
    def has_window(self) -> bool:
        return self.after is not None or self.before is not None

    def merged_into(self, kept: TimeWish | None) -> TimeWish:
        """This newer wish completed by what the caller said before: "no, Thursday" after
        "tomorrow afternoon" is Thursday afternoon; "the morning then" keeps the day."""
        if kept is None:
            return self
        if not (self.has_day or self.has_window or self.at):
            # Only "the first available" (« le premier disponible », often an answer to
            # "who would you like to see?"): what was asked before still stands.
            return kept if (kept.has_day or kept.has_window or kept.at) else self
        days = ((self.first_day, self.last_day) if self.has_day
                else (kept.first_day, kept.last_day))
        window = (self.after, self.before) if self.has_window or self.at else (
            kept.after, kept.before)
        # "Friday at 2", then "no, Thursday": Thursday at 2.
        at = self.at if self.at or self.has_window else kept.at
        return TimeWish(days[0], days[1], window[0], window[1], at,
                        self.earliest and not self.has_day)

    def lasting(self) -> TimeWish:
        """What is kept across the dialogue's turns: the days and the part of the day
        (an exact time is asked once: it is offered, or the nearest times are)."""
        return TimeWish(self.first_day, self.last_day, self.after, self.before)

    def encode(self) -> str:
        """For a callback URL: "2026-11-18~2026-11-18~12:00~18:00~" (days, part of the
        day, exact time; "" parts: unset). "The earliest" is not kept."""
        parts = (self.first_day.isoformat() if self.first_day else "",
                 self.last_day.isoformat() if self.last_day else "",
                 *(moment.strftime("%H:%M") if moment else ""
                   for moment in (self.after, self.before, self.at)))
        return "" if not any(parts) else "~".join(parts)

    @classmethod
    def decode(cls, text: str) -> TimeWish | None:
        """The wish `encode` wrote, or None (empty or unreadable: nothing kept)."""
        parts = text.split("~") if text else []
        if len(parts) != 5:
            return None
        try:
            first, last = (date.fromisoformat(p) if p else None for p in parts[:2])
            after, before, at = (time.fromisoformat(p) if p else None for p in parts[2:])
        except ValueError:
            return None
        return cls(first, last, after, before, at)


def _number(word: str, lang: Words) -> int | None:
    if word.isdigit():
        return int(word)
    return lang.numbers.get(word)


def _relative(kind: str, today: date) -> tuple[date, date]:
    if kind in ("day_after", "tomorrow", "today"):
        day = today + timedelta(days={"day_after": 2, "tomorrow": 1, "today": 0}[kind])
        return day, day
    if kind == "next_week":
        start = today + timedelta(days=7 - today.weekday())
        return start, start + timedelta(days=6)
    if kind == "this_week":
        return today, today + timedelta(days=6 - today.weekday())
    start = today + timedelta(days=(5 - today.weekday()) % 7)  # the weekend
    return start, start + timedelta(days=1)


def _days(words: list[str], joined: str, lang: Words, today: date
          ) -> tuple[date | None, date | None]:
    """The days named, the one said last winning: "Monday, no, make that Tuesday" is
    Tuesday; « demain… on peut le repousser à la semaine prochaine » is next week."""
    named: list[tuple[int, int, tuple[date, date]]] = []  # (start, end, days)
    for kind, phrases in lang.relative_days:
        for phrase in phrases:
            start = _last_start(words, phrase.split())
            if start >= 0:
                named.append((start, start + len(phrase.split()), _relative(kind, today)))
    for start, word in enumerate(words):
        if word in lang.weekdays:
            ahead = (lang.weekdays.index(word) - today.weekday()) % 7
            day = today + timedelta(days=ahead or 7)
            named.append((start, start + 1, (day, day)))
    # A phrase inside a longer one ("tomorrow" in "day after tomorrow") is not said alone.
    alone = [(start, end, days) for start, end, days in named
             if not any(s <= start and end <= e and (s, e) != (start, end)
                        for s, e, _ in named)]
    if alone:
        return max(alone, key=lambda item: item[0])[2]
    return _date_of_month(words, lang, today)


def _last_start(words: list[str], phrase: list[str]) -> int:
    """Where `phrase` starts the last time it is said in `words`, or -1."""
    size = len(phrase)
    for start in range(len(words) - size, -1, -1):
        if words[start:start + size] == phrase:
            return start
    return -1


def _date_of_month(words: list[str], lang: Words, today: date
                   ) -> tuple[date | None, date | None]:
    """"December 3rd", "the 5th", « le 3 décembre », « le 12 »."""
    month = next((i + 1 for i, m in enumerate(lang.months) if m in words), None)
    day = None
    for index, word in enumerate(words):
        match = re.fullmatch(r"(\d{1,2})(st|nd|rd|th|er)?", word)
        if match is None:
            continue
        follows = words[index + 1] if index + 1 < len(words) else ""
        before = words[index - 1] if index else ""
        if (month is not None and (follows in lang.months or before in lang.months)) or (
                before in ("the", "le") and follows not in ("h", "heure", "heures", "pm",
                                                            "am")):
            day = int(match.group(1))
            break
    if day is None or not 1 <= day <= 31:
        return None, None
    for months_ahead in range(13):
        year = today.year + (today.month - 1 + months_ahead) // 12
        candidate_month = (today.month - 1 + months_ahead) % 12 + 1
        if month is not None and candidate_month != month:
            continue
        try:
            found = date(year, candidate_month, day)
        except ValueError:
            continue
        if found >= today:
            return found, found
    return None, None


_CLOCK = re.compile(r"\b(\d{1,2})\s*(?:h|:|heures?)\s*(\d{2})?\b")
# "930, please", "1030": whisper writes "nine thirty" run together. Only a quarter, a
# half or three quarters past 1 to 12 o'clock reads so: never a year, a price nor a count
# ("2026", "100").
_RUN_TOGETHER = re.compile(r"\b([1-9]|1[0-2])(15|30|45)\b")


def _exact_time(text: str, words: list[str], lang: Words) -> time | None:
    lowered = text.lower()
    match = _CLOCK.search(lowered) or _RUN_TOGETHER.search(lowered)
    hour: int | None = None
    minute = 0
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
    else:
        hour, minute = _spoken_clock(words, lang)
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    pm = re.search(r"\b(\d{1,2}\s*)?(pm|p m)\b", lowered) is not None
    am = re.search(r"\b(\d{1,2}\s*)?(am|a m)\b", lowered) is not None
    if pm and hour < 12:
        hour += 12
    elif not am and 1 <= hour <= 7:
        hour += 12  # "at 2": business hours mean the afternoon
    return time(hour, minute)


def _spoken_clock(words: list[str], lang: Words) -> tuple[int | None, int]:
    """"two thirty", "half past two", "quarter to three", "at 2", « quatorze heures
    trente », « deux heures et demie »."""
    triggers = lang.time_triggers
    for index, word in enumerate(words):
        value = _number(word, lang)
        if value is None or value > 23:
            continue
        before = words[index - 1] if index else ""
        rest = words[index + 1:index + 4]
        if lang.code == "en":
            if before == "past" and index >= 2:
                minutes = {"half": 30, "quarter": 15}.get(words[index - 2])
                if minutes is not None:
                    return value, minutes
            if before == "to" and index >= 2 and words[index - 2] == "quarter":
                return (value - 1) % 24, 45
            if rest[:1] in (["oclock"], ["o"]):
                return value, 0
            # "at two thirty", or "nine thirty" / "9.30" alone (an hour, then its minutes).
            if rest and (_number(rest[0], lang) or 0) >= 10 and (
                    before in triggers or (value <= 12 and _number(before, lang) is None
                                           and (_number(rest[0], lang) or 0) < 60)):
                minutes = _number(rest[0], lang) or 0
                if len(rest) > 1 and (_number(rest[1], lang) or 0) < 10:
                    minutes += _number(rest[1], lang) or 0
                return value, minutes if minutes < 60 else 0
            if before in triggers or rest[:1] in (["pm"], ["am"]):
                return value, 0
        elif lang.code == "fr":
            if rest[:1] in (["heure"], ["heures"], ["h"]):
                tail = rest[1:]
                if tail[:2] == ["et", "demie"] or tail[:2] == ["et", "demi"]:
                    return value, 30
                if tail[:2] == ["et", "quart"]:
                    return value, 15
                if tail[:3] == ["moins", "le", "quart"]:
                    return (value - 1) % 24, 45
                minutes = _number(tail[0], lang) if tail else None
                return value, minutes if minutes is not None and minutes < 60 else 0
            if before in triggers and value >= 1:
                return value, 0
    return None, 0


# "2pm", "9:30am" as recognisers and typists write them: the hour and "pm" apart.
_MERIDIEM = re.compile(r"(\d)([ap]\.?m\b\.?)", re.IGNORECASE)


def parse_when(text: str, language: str, today: date) -> TimeWish | None:
    """The caller's wish, or None when the sentence names no day, time or "earliest"."""
    lang = words_of(language)
    text = _MERIDIEM.sub(r"\1 \2", text[:300])
    words = normalize(text)
    joined = " ".join(words)
    for greeting in lang.greetings:  # "good morning, … Wednesday afternoon"
        if f" {greeting} " in f" {joined} ":
            joined = f" {joined} ".replace(f" {greeting} ", " ").strip()
    words = joined.split()
    earliest = any(f" {phrase} " in f" {joined} " for phrase in lang.earliest)
    first_day, last_day = _days(words, joined, lang, today)
    # « après » alone (« après-demain ») is not a part of the day; « après-midi » is.
    part = next((lang.parts_of_day[w] for i, w in enumerate(words) if w in lang.parts_of_day
                 and not (lang.code == "fr" and w == "apres"
                          and words[i + 1:i + 2] != ["midi"])), None)
    if lang.code == "fr" and "apres midi" in joined:
        part = "afternoon"
    part = next((finer for phrase, finer in lang.part_phrases
                 if f" {phrase} " in f" {joined} "), part)
    at = _exact_time(text, words, lang)
    if part == "lunch" and at is None and lang.code == "fr" and "midi" in words and (
            "a midi" in joined or joined.endswith("midi")) and "apres midi" not in joined:
        at = time(12)
    after, before = PARTS[part] if part else (None, None)
    mornings = ("morning", "early_morning", "late_morning")
    if at is not None and part in mornings and at.hour >= 12 and at.hour - 12 < 12:
        at = time(at.hour - 12, at.minute)  # "at 8 in the morning"
    if not (earliest or first_day or part or at):
        return None
    return TimeWish(first_day, last_day, after, before, at, earliest)


def mentions_time(text: str, language: str) -> bool:
    """Whether a sentence names a day, a time or "the earliest" (whatever today is)."""
    return parse_when(text, language, date(2000, 1, 3)) is not None
