"""The fallback flow: "please leave a message", answered without the database.

Served at /twilio/fallback (set it as the number's "primary handler fails" URL in Twilio,
pointing at another instance or at the same proxy) and used by every webhook that fails
(database down, a bug): the caller is never cut off with Twilio's "application error".
The recording's reference goes to the spool on disk (twilio/spool.py) and is imported
into the database later. Only the request signature is checked: that needs no database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from receptionist.call_flows.actions import Action, Callback, Record, Say, say_then_hang_up
from receptionist.i18n import LANGUAGES, SPOKEN_LOCALES, gettext, spoken_locale
from receptionist.twilio import twiml
from receptionist.twilio.spool import SpooledMessage, spool


def _said(key: str, languages: tuple[str, ...]) -> list[Say]:
    return [Say(_text(key, language), "", language)
            for language in languages]


def _text(key: str, language: str) -> str:
    if key == "take_message":
        return gettext(language, "fallback.take_message")
    if key == "thanks":
        return gettext(language, "fallback.thanks")
    return gettext(language, "fallback.nothing")


def languages_for(known: str | None) -> tuple[str, ...]:
    """The number's language when known (and ours), else every language we speak (without
    the database the business's language may be unknown)."""
    known_lang = known.replace("_", "-").split("-", 1)[0].lower() if known else ""
    return (known,) if known and known_lang in LANGUAGES else SPOKEN_LOCALES


def take_message(base_url: str, languages: tuple[str, ...]) -> str:
    lang = languages[0][:2] if len(languages) == 1 else "both"
    actions: list[Action] = [
        *_said("take_message", languages),
        Record(Callback.to("fallback/recorded", lang=lang), max_length=180, timeout=5,
               finish_on_key="#"),
        *say_then_hang_up(*_said("nothing", languages))]
    return twiml.render(actions, twiml.url_for(base_url))


def say_and_hang_up(key: str, languages: tuple[str, ...]) -> str:
    """`thanks` (the message is kept) or `nothing` (no message was heard)."""
    return twiml.render(say_then_hang_up(*_said(key, languages)))


def languages_of_query(lang: str | None) -> tuple[str, ...]:
    """The `lang` a recording callback names (one language, or "both"/none: all)."""
    return (spoken_locale(lang),) if lang in LANGUAGES else SPOKEN_LOCALES


def keep_recording(folder: Path, *, call_sid: str, from_number: str, to_number: str,
                   recording_sid: str, recording_url: str, duration_s: int | None) -> None:
    """Spool the recording's reference (raises OSError if the disk refuses)."""
    spool(folder, SpooledMessage(
        call_sid=call_sid, from_number=from_number, to_number=to_number,
        recording_sid=recording_sid, recording_url=recording_url, duration_s=duration_s,
        received_at=datetime.now(UTC).isoformat()))
