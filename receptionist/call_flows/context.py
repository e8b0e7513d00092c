"""What a step needs while it runs: the call, its script, the clock and the actions being
built (neutral: the provider adapter renders them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from receptionist.call_flows.actions import Action, Callback, Gather, Hangup, Play, Redirect, Say
from receptionist.call_flows.listening import ListenFor
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.calls.events import NO_FIELDS, EventFields, EventKind, Logged
from receptionist.calls.models import Call
from receptionist.voice.prompts import is_local


@dataclass
class FlowContext:
    session: Session
    call: Call
    script: Script
    now: datetime  # aware UTC
    actions: list[Action] = field(default_factory=list)
    events: list[Logged] = field(default_factory=list)  # this request's, not yet written
    # Where the caller's audio is forked for speech routing (None: keypad only).
    media_stream_url: str | None = None
    # The stream's own credential for this call (twilio.stream_token), sent as a parameter.
    media_stream_token: str = ""
    # The call is carried by a two-way media stream (the stream transport): it listens.
    converses: bool = False
    # Local-voice prompts: (text, voice, language, personal) -> URL of the rendered audio,
    # or None when not rendered yet (then <Say> is used for this call).
    local_prompt: Callable[[str, str, str, bool], str | None] | None = None

    @property
    def language(self) -> str:
        return self.script.language

    def say(self, text: str, into: Gather | None = None, *, personal: bool = False) -> None:
        """Speak `text` in the script's voice, now or while `into` waits for a key.

        `personal`: the text holds this caller's data (their name, their booking, the
        times offered to them), not only the script's and the catalog's words; the local
        voice's audio of it is then deleted once the call can no longer fetch it
        (voice.prompts), where script prompts stay cached."""
        target = self.actions if into is None else into.prompts
        voice = self.script.prompt_voice
        if personal and self.script.transport == "stream":
            # Spoken by the stream's runner as it goes, never written to the cache.
            target.append(Say(text, "", self.language))
            return
        if is_local(voice) and self.local_prompt is not None:
            assert voice is not None
            url = self.local_prompt(text, voice, self.language, personal)
            if url is not None:
                target.append(Play(url))
                return
            voice = None
        target.append(Say(text, voice or "", self.language))

    def do(self, action: Action) -> None:
        self.actions.append(action)

    def hang_up(self) -> None:
        self.actions.append(Hangup())

    def redirect(self, callback: Callback) -> None:
        self.actions.append(Redirect(callback))

    def listen(self, listen: ListenFor) -> None:
        """Let speech answer the prompt this step now waits at (see call_flows.listening);
        after `wait_here`, which forgets what the previous prompt listened for."""
        self.call.step_data = listen.dump()

    def log(self, kind: EventKind, step: str | None, fields: EventFields = NO_FIELDS) -> None:
        """Add to the call's timeline; written in one statement by `finish`."""
        self.events.append(Logged(self.now, step, kind, fields))

    def finish(self) -> list[Action]:
        """Write the call's state (one INSERT for a new call) and its buffered timeline
        (one statement); return the actions."""
        calls.write_call(self.session, self.call)
        self.session.flush()  # anything else the flow added (nothing, on most requests)
        if self.events:
            rows = [{"call_id": self.call.id, "at": e.at, "step": e.step, "kind": e.kind.value,
                     "fields": e.fields} for e in self.events]
            calls.INSERT_EVENT.run_many(self.session.connection(), rows)
            self.events = []
        return self.actions

    def spoke_unanswered(self) -> bool:
        """The media stream heard words at the prompt just timed out that answered nothing
        there (calls.words_since_prompt): the caller spoke, so they are told they were not
        understood, never that nothing was heard."""
        return self.call.id is not None and calls.words_since_prompt(
            self.session, call=self.call) is not None

    def recording_notice(self, step_id: str) -> None:
        """Say the script's recording notice if this call has not heard it yet (called
        before anything is recorded)."""
        notice = self.script.recording_notice
        if notice is None or any(e.kind == EventKind.recording_notice for e in self.events):
            return
        if calls.has_event(self.session, call=self.call, kind=EventKind.recording_notice):
            return
        self.say(notice)
        self.log(EventKind.recording_notice, step_id)

    def wait_here(self, step_id: str) -> int:
        """Mark `step_id` as the step waiting for the caller; returns the new sequence
        number that this step's callbacks must carry."""
        self.call.current_step = step_id
        self.call.seq += 1
        self.call.step_data = None  # a prompt that speech may answer sets its own
        if self.call not in self.session:  # add's cascade costs where it has nothing to do
            self.session.add(self.call)
        return self.call.seq
