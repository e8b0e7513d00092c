"""What each Twilio webhook does, as plain functions returning TwiML (no HTTP here): the
form turned into the neutral input of `call_flows` (`answering`, `resuming`, `reports`),
which does the work, and its actions rendered as TwiML (`twiml.render`).

Every handler runs in one transaction together with the storage of its answer, keyed by
URL and form: a webhook Twilio retries gets the same answer and causes nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from receptionist.call_flows import answering, reports, resuming
from receptionist.call_flows.actions import Action, Converse, StreamAudio
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.desk import call_script
from receptionist.call_flows.events import BookingAnswer, KeyPressed, NoRecording
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.db import WriteConflict
from receptionist.messages import service as messages
from receptionist.runtime import Runtime
from receptionist.twilio import stream_token, twiml
from receptionist.twilio.forms import (
    BookForm,
    BookQuery,
    ChallengeQuery,
    DialForm,
    DialQuery,
    MenuForm,
    RecordedForm,
    RecordingStatusForm,
    StatusForm,
    StepQuery,
    VoiceForm,
)

EMPTY = twiml.render([])  # answers nothing: Twilio carries on (or ends the call)
CONVERSATION_PATH = "/twilio/conversation"  # the two-way stream (twilio/conversation.py)


def answered_once(rt: Runtime, *, key: str, call_sid: str,
                  handle: Callable[[Session], str]) -> str:
    """`handle`'s answer, stored under `key` (`parameters.replay_key`) in the same
    transaction as its side effects; the stored answer if `key` was answered before.

    A replay answered concurrently (another instance, or PostgreSQL's concurrent
    transactions) stores its answer first: this transaction is rolled back and the stored
    answer read afresh. A conflict with no stored answer is an error of its own: raised."""
    database = rt.database
    with database.call_session() as session:
        try:
            with database.write_transaction(session, urgent=True):
                cached = calls.stored_reply(session, call_sid=call_sid, key=key)
                if cached is not None:
                    return cached
                twiml = handle(session)
                calls.save_reply(session, key=key, call_sid=call_sid, twiml=twiml,
                                 now=rt.clock())
            return twiml
        except calls.DuplicateWebhook:
            return calls.stored_reply(session, call_sid=call_sid, key=key) or EMPTY
        except WriteConflict:
            stored = calls.stored_reply(session, call_sid=call_sid, key=key)
            if stored is None:
                raise
            return stored


@dataclass(frozen=True)
class TwilioDesk:
    """What call flows borrow from the runtime (`call_flows.desk.Desk`), with Twilio's
    URLs: local-voice prompts served under /twilio/prompts, the media stream's."""

    rt: Runtime

    def now(self) -> datetime:
        return self.rt.clock()

    def cached_script(self, tenant_id: int, version: int,
                      yaml_text: Callable[[], str]) -> Script:
        return self.rt.scripts.get(tenant_id, version, yaml_text)

    def local_prompt(self, text: str, voice: str, language: str,
                     personal: bool) -> str | None:
        name = self.rt.prompts.ready(text, voice, language, personal=personal)
        return None if name is None else (
            self.rt.settings.public_base_url + twiml.prompt_path(name))

    def calls_per_minute(self) -> int:
        return self.rt.settings.calls_per_minute

    def listens(self, language: str) -> bool:
        return self.rt.recognizer.supports(language)

    def media_stream(self, call_sid: str, now: datetime) -> tuple[str, str]:
        settings = self.rt.settings
        return (stream_token.stream_url(settings.public_base_url),
                stream_token.issue(settings.secret_key, call_sid, now))

    def conversation(self, call_sid: str, language: str, now: datetime
                     ) -> tuple[str, str] | None:
        if self.rt.prompts.voice("local", language) is None:
            return None  # keys alone are carried too: speech is heard where it can be
        settings = self.rt.settings
        return (stream_token.stream_url(settings.public_base_url, CONVERSATION_PATH),
                stream_token.issue(settings.secret_key, call_sid, now))

    def number_speaks(self, number: str, language: str) -> None:
        self.rt.number_languages[number] = language


def _twiml(rt: Runtime, actions: Sequence[Action]) -> str:
    return twiml.render(actions, twiml.url_for(rt.settings.public_base_url))


def twiml_of(rt: Runtime, ctx: FlowContext) -> str:
    """Store the call's state and timeline, and answer with its actions as TwiML."""
    return _twiml(rt, ctx.finish())


def apology(language: str = "en-US") -> str:
    return twiml.render(answering.apology(language))


def _conversing(rt: Runtime, session: Session, call_sid: str,
                actions: Sequence[Action]) -> str:
    """The TwiML of `actions`; when they hand the call to a two-way stream, the stream's
    first document is stored as the call's latest (`latest_document`), where the stream
    runner and a resumed call read it."""
    for action in actions:
        if isinstance(action, Converse):
            calls.save_reply(session, key=conversation_key(call_sid), call_sid=call_sid,
                             twiml=_twiml(rt, action.first), now=rt.clock())
    return _twiml(rt, actions)


def conversation_key(call_sid: str) -> str:
    """The stored-reply key of the first document of a stream carrying the call (a call
    may go back on a stream after a transfer: each stream's key is its own)."""
    return f"stream:{call_sid}:{uuid.uuid4().hex[:16]}"  # 64 characters at most


def latest_document(session: Session, call_sid: str) -> str | None:
    """The last TwiML document the call was given to carry out (the stream's first one,
    or the answer to its latest callback), not counting the stream's own `<Connect>`
    document nor the empty answers to status reports."""
    for document in calls.recent_replies(session, call_sid=call_sid):
        if document != EMPTY and "<Connect>" not in document:
            return document
    return None


def resumed(rt: Runtime, call_sid: str, skip: int) -> str:
    """What a call leaving its two-way stream carries out next: its latest document, less
    the `skip` verbs the stream runner carried out already; with a one-way fork for speech
    when a prompt is left (the stream that ended frees the call's stream claim)."""
    database = rt.database
    desk = TwilioDesk(rt)
    with database.call_session() as session, database.write_transaction(session, urgent=True):
        call = calls.get_call(session, call_sid=call_sid)
        document = None if call is None else latest_document(session, call_sid)
        if call is None or document is None:
            return EMPTY
        fork = None
        script = call_script(desk, session, call)
        if (script is not None and call.status not in calls.TERMINAL_STATUSES
                and desk.listens(script.language)):
            call.media_stream_sid = None
            session.add(call)
            url, token = desk.media_stream(call_sid, desk.now())
            fork = StreamAudio(url, (("callSid", call_sid), ("token", token)))
        return twiml.remainder(document, skip, fork)


def incoming_call(rt: Runtime, session: Session, form: VoiceForm) -> str:
    return _conversing(rt, session, form.call_sid, answering.answer(
        TwilioDesk(rt), session, answering.IncomingCall(
            form.call_sid, form.from_number, form.to_number, form.caller_id())))


def challenge_answer(rt: Runtime, session: Session, form: MenuForm,
                     query: ChallengeQuery) -> str:
    """The caller's key at the "press 5 to reach us" challenge."""
    return _conversing(rt, session, form.call_sid, answering.challenge_answer(
        TwilioDesk(rt), session, form.call_sid, form.digits, query.attempt))


def _at(query: StepQuery) -> resuming.StepAt:
    return resuming.StepAt(query.step, query.seq)


def menu_input(rt: Runtime, session: Session, form: MenuForm, query: StepQuery) -> str:
    digits = form.digits[:1] if form.digits else ""
    said: str | None
    if form.speech is not None:
        said, heard = form.speech, form.speech_confidence
    else:
        said, heard = query.said, query.heard
    return _twiml(rt, resuming.answered(
        TwilioDesk(rt), session, form.call_sid, _at(query),
        KeyPressed(digits, query.attempt, said=said, confirm=query.confirm,
                   heard=heard if said is not None else None, keypad=query.keypad)))


def _recording_info(form: RecordedForm) -> messages.RecordingInfo | None:
    if form.recording_sid is None:
        return None
    duration = form.recording_duration  # None: not reported (the length is not known)
    return messages.RecordingInfo(sid=form.recording_sid, url=form.recording_url or "",
                                  duration_s=None if duration is None else max(duration, 0))


def recorded(rt: Runtime, session: Session, form: RecordedForm, query: StepQuery) -> str:
    return _twiml(rt, resuming.recorded(TwilioDesk(rt), session, form.call_sid, _at(query),
                                        _recording_info(form)))


def no_recording(rt: Runtime, session: Session, form: MenuForm, query: StepQuery) -> str:
    return _twiml(rt, resuming.answered(TwilioDesk(rt), session, form.call_sid, _at(query),
                                        NoRecording()))


def dialed(rt: Runtime, session: Session, form: DialForm, query: DialQuery) -> str:
    return _conversing(rt, session, form.call_sid, resuming.dialed(
        TwilioDesk(rt), session, form.call_sid, _at(query), status=form.dial_status,
        duration=form.dial_duration, bridged=form.bridged, group=query.group,
        ring=query.ring))


def booking_input(rt: Runtime, session: Session, form: BookForm, query: BookQuery) -> str:
    # `pressed`: the caller said the key's meaning (a speech redirect, see twilio.media).
    digits = form.key() or query.pressed or ""
    said = form.speech if form.speech is not None else query.said
    answer = BookingAnswer(
        query.stage, digits, query.attempt, slots=query.slots, slot=query.slot,
        appointment_id=query.appointment, recording_url=form.recording_url,
        said=None if digits else said, type=query.type, who=query.who, seats=query.seats,
        seat=query.seat, wish=query.wish)
    return _twiml(rt, resuming.answered(TwilioDesk(rt), session, form.call_sid, _at(query),
                                        answer))


def goto_step(rt: Runtime, session: Session, form: MenuForm, query: StepQuery) -> str:
    return _twiml(rt, resuming.goto_step(TwilioDesk(rt), session, form.call_sid, _at(query)))


def recording_status(rt: Runtime, session: Session, form: RecordingStatusForm) -> str:
    reports.recording_status(TwilioDesk(rt), session, call_sid=form.call_sid,
                             recording_sid=form.recording_sid, info=_recording_info(form),
                             status=form.recording_status)
    return EMPTY


def call_status(rt: Runtime, session: Session, form: StatusForm) -> str:
    reports.call_status(TwilioDesk(rt), session, reports.CallStatus(
        form.call_sid, form.call_status, form.call_duration, form.from_number,
        form.to_number))
    return EMPTY
