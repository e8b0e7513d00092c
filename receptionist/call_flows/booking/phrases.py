"""What a caller may say instead of pressing a key in the booking dialogue, read from each
language's words (`understanding/lang/`: ordinals, the keys' phrases, "no thanks"; the
digits' names, "press one" / « tapez un », are added by the grammar builder). What the
dialogue says is in the catalogs (`receptionist/locale/`: `booking.*`)."""

from __future__ import annotations

from receptionist.understanding.lang import words_of
from receptionist.understanding.phrase_match import normalize


def heard_words(stage: str, language: str) -> tuple[str, ...]:
    """What live speech sends to a booking prompt as words for the step to read: "no
    thanks" at an offer or a confirmation, a plain yes or no at an offer."""
    words = words_of(language)
    if stage == "offer":
        return words.booking_done + words.yes_no
    return words.booking_done if stage == "confirm" else ()


def says_done(said: str, language: str) -> bool:
    """Whether the caller ends the booking dialogue: "no thanks", "that's all"."""
    padded = f" {' '.join(normalize(said[:300]))} "
    return any(f" {phrase} " in padded for phrase in words_of(language).booking_done)


def voice_choices(stage: str, language: str, *, offered: int = 0) -> dict[str, list[str]]:
    """{key: [phrases…]} (in key order) for the keys of one booking prompt."""
    words = words_of(language)
    keys = {digit: list(phrases)
            for digit, phrases in words.booking_keys.get(stage, {}).items()}
    for index in range(min(offered, len(words.ordinals))):
        keys[str(index + 1)] = [form.replace("{o}", words.ordinals[index])
                                for form in words.ordinal_forms]
    return dict(sorted(keys.items()))
