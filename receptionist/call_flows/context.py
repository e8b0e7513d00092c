"""What a step needs while it runs: the call, its script, the clock and the TwiML being built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session
from twilio.twiml import TwiML
from twilio.twiml.voice_response import VoiceResponse

from receptionist.call_flows.phrases import default_voice
from receptionist.call_flows.schema import Script
from receptionist.calls.models import Call, CallEvent
from receptionist.speech.prompts import is_local

_INSERT_EVENTS = insert(CallEvent.__table__)  # type: ignore[attr-defined]
# url(route, **query) -> absolute public URL of one of our Twilio routes.
UrlBuilder = Callable[..., str]


@dataclass
class FlowContext:
    session: Session
    call: Call
    script: Script
    now: datetime  # aware UTC
    url: UrlBuilder
    response: VoiceResponse = field(default_factory=VoiceResponse)
    events: list[dict[str, object]] = field(default_factory=list)
    # Where the caller's audio is forked for speech routing (None: keypad only).
    media_stream_url: str | None = None
    # The stream's own credential for this call (twilio.stream_token), sent as a parameter.
    media_stream_token: str = ""
    # Local-voice prompts: (text, voice, language) -> URL of the rendered audio, or None
    # when not rendered yet (then <Say> is used for this call).
    local_prompt: Callable[[str, str, str], str | None] | None = None

    @property
    def language(self) -> str:
        return self.script.language

    def say(self, text: str, into: TwiML | None = None) -> None:
        """Speak `text` in the script's voice, into the response or a nested verb."""
        target = self.response if into is None else into
        voice = self.script.voice
        if is_local(voice) and self.local_prompt is not None:
            assert voice is not None
            url = self.local_prompt(text, voice, self.language)
            if url is not None:
                target.play(url)
                return
            voice = None
        target.say(text, voice=voice or default_voice(self.language), language=self.language)

    def log(self, kind: str, step: str | None, detail: str = "") -> None:
        """Add to the call's timeline; written in one statement by `finish`."""
        self.events.append({"at": self.now, "step": step, "kind": kind,
                            "detail": detail[:1000]})

    def finish(self) -> str:
        """Write the call's state (one INSERT for a new call) and its buffered timeline
        (one statement); return the TwiML."""
        self.session.add(self.call)
        self.session.flush()
        if self.events:
            rows = [{"call_id": self.call.id, **event} for event in self.events]
            self.session.connection().execute(_INSERT_EVENTS, rows)
            self.events = []
        return str(self.response)

    def wait_here(self, step_id: str) -> int:
        """Mark `step_id` as the step waiting for the caller; returns the new sequence
        number that this step's callbacks must carry."""
        self.call.current_step = step_id
        self.call.seq += 1
        self.call.step_data = None  # a prompt that speech may answer sets its own
        self.session.add(self.call)
        return self.call.seq
