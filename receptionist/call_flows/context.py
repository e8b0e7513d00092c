"""What a step needs while it runs: the call, its script, the clock and the TwiML being built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session
from twilio.twiml import TwiML
from twilio.twiml.voice_response import VoiceResponse

from receptionist.call_flows.phrases import default_voice
from receptionist.call_flows.schema import Script
from receptionist.calls.models import Call, CallEvent

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

    @property
    def language(self) -> str:
        return self.script.language

    def say(self, text: str, into: TwiML | None = None) -> None:
        """Speak `text` in the script's voice, into the response or a nested verb."""
        target = self.response if into is None else into
        target.say(text, voice=self.script.voice or default_voice(self.language),
                   language=self.language)

    def log(self, kind: str, step: str | None, detail: str = "") -> None:
        assert self.call.id is not None
        self.session.add(CallEvent(call_id=self.call.id, at=self.now, step=step, kind=kind,
                                   detail=detail[:1000]))

    def wait_here(self, step_id: str) -> int:
        """Mark `step_id` as the step waiting for the caller; returns the new sequence
        number that this step's callbacks must carry."""
        self.call.current_step = step_id
        self.call.seq += 1
        self.session.add(self.call)
        return self.call.seq
