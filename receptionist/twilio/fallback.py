"""The fallback flow: "please leave a message", answered without the database.

Served at /twilio/fallback (set it as the number's "primary handler fails" URL in Twilio,
pointing at another instance or at the same proxy) and used by every webhook that fails
(database down, a bug): the caller is never cut off with Twilio's "application error".
The recording's reference goes to the spool on disk (twilio/spool.py) and is imported
into the database later. Only the request signature is checked: that needs no database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from twilio.twiml.voice_response import VoiceResponse

from receptionist.call_flows.phrases import default_voice
from receptionist.i18n import LANGUAGES, gettext
from receptionist.twilio.spool import SpooledMessage, spool

# Without the database the business's language may be unknown: both, French second.
BOTH = ("en-US", "fr-FR")


def _say(response: VoiceResponse, languages: tuple[str, ...],
         text: Callable[[str], str]) -> None:
    for language in languages:
        response.say(text(language), voice=default_voice(language), language=language)


def languages_for(known: str | None) -> tuple[str, ...]:
    return (known,) if known and known[:2] in LANGUAGES else BOTH


def take_message(base_url: str, languages: tuple[str, ...]) -> str:
    response = VoiceResponse()
    _say(response, languages, lambda lang: gettext(lang, "fallback.take_message"))
    lang = languages[0][:2] if len(languages) == 1 else "both"
    response.record(action=f"{base_url}/twilio/fallback/recorded?lang={lang}",
                    method="POST", max_length=180, play_beep=True, timeout=5,
                    finish_on_key="#")
    _say(response, languages, _nothing)
    response.hangup()
    return str(response)


def _thanks(language: str) -> str:
    return gettext(language, "fallback.thanks")


def _nothing(language: str) -> str:
    return gettext(language, "fallback.nothing")


def say_and_hang_up(key: str, languages: tuple[str, ...]) -> str:
    """`thanks` (the message is kept) or `nothing` (no message was heard)."""
    response = VoiceResponse()
    _say(response, languages, _thanks if key == "thanks" else _nothing)
    response.hangup()
    return str(response)


def languages_of_query(lang: str | None) -> tuple[str, ...]:
    return {"en": ("en-US",), "fr": ("fr-FR",)}.get(lang or "", BOTH)


def keep_recording(folder: Path, *, call_sid: str, from_number: str, to_number: str,
                   recording_sid: str, recording_url: str, duration_s: int) -> None:
    """Spool the recording's reference (raises OSError if the disk refuses)."""
    spool(folder, SpooledMessage(
        call_sid=call_sid, from_number=from_number, to_number=to_number,
        recording_sid=recording_sid, recording_url=recording_url, duration_s=duration_s,
        received_at=datetime.now(UTC).isoformat()))
