"""Clock times as said aloud. English "9:30 AM" -> "nine thirty a m", "9:05" -> "nine oh
five", "9 AM" -> "nine a m"; French « 9 h 30 », « 14:30 », « 14h » -> « 9 heures 30 »,
« 14 heures » (the letter h, or a colon, left to no engine to guess).

Measured through the phone line and whisper: Piper joe read "9:30 AM" as written at
0.7 % WER and spelled out at 1.5 % (one word in 10 sentences); Pico en-US 3.7 % either
way. English times are spelled out all the same, so that every engine, espeak-ng
included, says the same words. In French, Pico's « 17 heures 15 » was heard best (26 %
WER on 8 sentences, whisper base), « 17 h 15 » as written 29 %, spelled out in words
« dix-sept heures quinze » 34 %: figures stay, « heures » is written out.
"""

from __future__ import annotations

import re

from receptionist.voice.text_prep.numbers import words

_EN = re.compile(r"\b([01]?\d|2[0-3])(?::([0-5]\d))?(?:\s*([AaPp])\.?\s?[Mm]\b)"
                 r"|\b([01]?\d|2[0-3]):([0-5]\d)\b")
_FR = re.compile(r"\b([01]?\d|2[0-3])\s?(?:h|H|:)\s?([0-5]\d)?(?![\w])")


def _en_time(match: re.Match[str]) -> str:
    hour_text, minute_text, half = match[1] or match[4], match[2] or match[5], match[3]
    hour, minute = int(hour_text), int(minute_text or 0)
    said = words(hour, "en")
    if minute:
        said += f" oh {words(minute, 'en')}" if minute < 10 else f" {words(minute, 'en')}"
    elif not half:
        said += " hundred" if hour > 12 or hour == 0 else " o'clock"
    if half:
        said += " a m" if half.lower() == "a" else " p m"
    return said


def _fr_time(match: re.Match[str]) -> str:
    hour = int(match[1])
    said = f"{hour} heure" + ("" if hour <= 1 else "s")
    if match[2] and int(match[2]):
        said += f" {int(match[2])}"
    return said


def spell_times(text: str, language: str) -> str:
    if language.startswith("fr"):
        return _FR.sub(_fr_time, text)
    return _EN.sub(_en_time, text)
