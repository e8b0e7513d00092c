"""What each Twilio webhook does, as plain functions returning TwiML (no HTTP here).

Every handler runs in one transaction together with the storage of its answer, keyed by
URL and form: a webhook Twilio retries gets the same answer and causes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session
from twilio.twiml.voice_response import VoiceResponse

from receptionist.call_flows import engine as flow
from receptionist.call_flows import gatekeeper
from receptionist.call_flows.actions import Callback
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import (
    BookingAnswer,
    DialResult,
    Event,
    KeyPressed,
    NoRecording,
    Recorded,
)
from receptionist.call_flows.phrases import UNKNOWN_NUMBER_LOCALES, default_voice
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.calls.event_text import describe
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.calls.models import Call
from receptionist.db import WriteConflict
from receptionist.i18n import gettext
from receptionist.messages import service as messages
from receptionist.messages.models import Message
from receptionist.notifications import service as notifications
from receptionist.runtime import Runtime
from receptionist.tenants import service as tenants
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

log = logging.getLogger(__name__)
EMPTY = str(VoiceResponse())


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
                cached = calls.stored_reply(session, key=key)
                if cached is not None:
                    return cached
                twiml = handle(session)
                calls.save_reply(session, key=key, call_sid=call_sid, twiml=twiml,
                                 now=rt.clock())
            return twiml
        except calls.DuplicateWebhook:
            return calls.stored_reply(session, key=key) or EMPTY
        except WriteConflict:
            stored = calls.stored_reply(session, key=key)
            if stored is None:
                raise
            return stored


def flow_context(rt: Runtime, session: Session, call: Call, script: Script) -> FlowContext:
    def local_prompt(text: str, voice: str, language: str, personal: bool) -> str | None:
        name = rt.prompts.ready(text, voice, language, personal=personal)
        return None if name is None else (
            f"{rt.settings.public_base_url}/twilio/prompts/{name}.wav")

    return FlowContext(session=session, call=call, script=script, now=rt.clock(),
                       local_prompt=local_prompt)


def twiml_of(rt: Runtime, ctx: FlowContext) -> str:
    """Store the call's state and timeline, and answer with its actions as TwiML."""
    return twiml.render(ctx.finish(), twiml.url_for(rt.settings.public_base_url))


def _script(rt: Runtime, session: Session, tenant_id: int, version: int) -> Script:
    return rt.scripts.get(tenant_id, version, lambda: tenants.script_version(
        session, tenant_id=tenant_id, version=version).yaml_text)


def call_script(rt: Runtime, session: Session, call: Call) -> Script | None:
    """The script version the call started with, so publishing mid-call changes nothing."""
    if call.tenant_id is None or call.script_version is None:
        return None
    return _script(rt, session, call.tenant_id, call.script_version)


def _unknown_number() -> str:
    response = VoiceResponse()
    for language in UNKNOWN_NUMBER_LOCALES:
        response.say(gettext(language, "call.unknown_number"), voice=default_voice(language),
                     language=language)
    response.hangup()
    return str(response)


def apology(language: str = "en-US") -> str:
    response = VoiceResponse()
    response.say(gettext(language, "call.technical_error"), voice=default_voice(language),
                 language=language)
    response.hangup()
    return str(response)


def incoming_call(rt: Runtime, session: Session, form: VoiceForm) -> str:
    now = rt.clock()
    route = tenants.route_number(session, number=form.to_number)
    if route is None or route.active_version is None:
        call = calls.open_call(session, call_sid=form.call_sid, tenant_id=None,
                               from_number=form.from_number, to_number=form.to_number,
                               script_version=None, now=now)
        why = EventFields(reason=Reason.unknown_number if route is None else Reason.no_script)
        log.warning("call %s to %s rejected: %s", form.call_sid, form.to_number,
                    describe(EventKind.rejected, why))
        session.flush()
        assert call.id is not None
        calls.add_event(session, call_id=call.id, at=now, kind=EventKind.rejected, fields=why)
        return _unknown_number()
    script = _script(rt, session, route.tenant_id, route.active_version)
    rt.number_languages[form.to_number] = script.language
    limit = route.calls_per_minute or rt.settings.calls_per_minute
    known = calls.get_call(session, call_sid=form.call_sid)
    if known is None and calls.admitted_since(
            session, tenant_id=route.tenant_id, since=now - timedelta(minutes=1)) >= limit:
        return _over_limit(session, form, tenant_id=route.tenant_id, limit=limit, now=now,
                           language=script.language)
    call = known or calls.new_call(
        session, call_sid=form.call_sid, tenant_id=route.tenant_id,
        from_number=form.from_number, to_number=form.to_number,
        script_version=route.active_version, now=now)
    if call.script_version is None:  # a status callback created the row first
        call.tenant_id, call.script_version = route.tenant_id, route.active_version
    ctx = flow_context(rt, session, call, script)
    if gatekeeper.let_in(ctx, form.stir_verstat):
        _start(rt, ctx)
    return twiml_of(rt, ctx)


def _start(rt: Runtime, ctx: FlowContext) -> None:
    """The script begins; speech listens when the script has a menu to answer."""
    if ctx.script.main_menu_step() is not None and rt.recognizer.supports(ctx.language):
        ctx.media_stream_url = rt.media_stream_url()
        ctx.media_stream_token = stream_token.issue(rt.settings.secret_key,
                                                    ctx.call.call_sid, ctx.now)
    flow.start_call(ctx)


def challenge_answer(rt: Runtime, session: Session, form: MenuForm,
                     query: ChallengeQuery) -> str:
    """The caller's key at the "press 5 to reach us" challenge."""
    call = calls.get_call(session, call_sid=form.call_sid)
    script = call_script(rt, session, call) if call is not None else None
    if call is None or script is None:
        return apology()
    ctx = flow_context(rt, session, call, script)
    if call.screening != "challenged":  # a retry, or a late key after the answer
        ctx.log(EventKind.stale_callback, None, EventFields(reason=Reason.challenge_answered))
        if call.status in calls.TERMINAL_STATUSES or call.current_step is None:
            ctx.hang_up()
        else:
            ctx.redirect(Callback.to("step", step=call.current_step))
        return twiml_of(rt, ctx)
    if gatekeeper.challenge_answer(ctx, form.digits[:1], query.attempt):
        _start(rt, ctx)
    return twiml_of(rt, ctx)


def _over_limit(session: Session, form: VoiceForm, *, tenant_id: int, limit: int,
                now: datetime, language: str) -> str:
    """More new calls this minute than the business admits: a polite "lines busy", and a
    line in its call log (the call is not counted as admitted)."""
    call = calls.open_call(session, call_sid=form.call_sid, tenant_id=tenant_id,
                           from_number=form.from_number, to_number=form.to_number,
                           script_version=None, now=now)
    call.status, call.ended_at = "rejected", now
    session.flush()
    assert call.id is not None
    calls.add_event(session, call_id=call.id, at=now, kind=EventKind.rejected,
                    fields=EventFields(reason=Reason.rate_limit, limit=limit))
    log.warning("call %s to %s turned away: over %d calls per minute", form.call_sid,
                form.to_number, limit)
    response = VoiceResponse()
    response.say(gettext(language, "call.all_lines_busy"), voice=default_voice(language),
                 language=language)
    response.hangup()
    return str(response)


def _resume(rt: Runtime, session: Session, call_sid: str, query: StepQuery,
            act: Callable[[FlowContext], None], *, claim: bool = True,
            before_claim: Callable[[FlowContext], None] | None = None) -> str:
    """Continue a known call at `query.step`; stale callbacks do nothing harmful."""
    call = calls.get_call(session, call_sid=call_sid)
    if call is None:
        log.warning("callback for unknown call %s (step %s)", call_sid, query.step)
        return apology()
    script = call_script(rt, session, call)
    if script is None:
        return apology()
    ctx = flow_context(rt, session, call, script)
    if before_claim is not None:
        before_claim(ctx)
    if claim and (query.seq is None or not calls.claim_step(session, call=call, seq=query.seq)):
        return _stale(rt, ctx, query)
    try:
        act(ctx)
    except flow.FlowError:
        log.exception("call %s cannot continue at step %s", call_sid, query.step)
        ctx.actions = []
        flow.apologise_and_hang_up(ctx)
    return twiml_of(rt, ctx)


def _answer(rt: Runtime, session: Session, call_sid: str, query: StepQuery,
            event: Event) -> str:
    """Resume the call with the caller's answer to the step `query` names."""
    return _resume(rt, session, call_sid, query,
                   lambda ctx: flow.resume(ctx, query.step, event))


def _stale(rt: Runtime, ctx: FlowContext, query: StepQuery) -> str:
    """A callback for a step the call has already left (keypad after a speech redirect,
    a late duplicate...): the first answer counted; bring Twilio back to where we are."""
    ctx.log(EventKind.stale_callback, query.step,
            EventFields(seq=query.seq, expected_seq=ctx.call.seq))
    if ctx.call.status in calls.TERMINAL_STATUSES or ctx.call.current_step is None:
        ctx.say(gettext(ctx.language, "call.call_ended"))
        ctx.hang_up()
    else:
        ctx.redirect(Callback.to("step", step=ctx.call.current_step))
    return twiml_of(rt, ctx)


def menu_input(rt: Runtime, session: Session, form: MenuForm, query: StepQuery) -> str:
    digits = form.digits[:1] if form.digits else ""
    said: str | None
    if form.speech is not None:
        said, heard = form.speech, form.speech_confidence
    else:
        said, heard = query.said, query.heard
    return _answer(rt, session, form.call_sid, query,
                   KeyPressed(digits, query.attempt, said=said, confirm=query.confirm,
                              heard=heard if said is not None else None,
                              keypad=query.keypad))


def _recording_info(form: RecordedForm) -> messages.RecordingInfo | None:
    if form.recording_sid is None:
        return None
    return messages.RecordingInfo(sid=form.recording_sid, url=form.recording_url or "",
                                  duration_s=max(form.recording_duration or 0, 0))


def recorded(rt: Runtime, session: Session, form: RecordedForm, query: StepQuery) -> str:
    info = _recording_info(form)
    kept: list[Message] = []

    def keep_message(ctx: FlowContext) -> None:
        # Stored before anything else can go wrong: a message is never lost to a stale
        # or failed flow step.
        if info is not None:
            stored = messages.store_recording(ctx.session, call=ctx.call, info=info,
                                              now=ctx.now)
            kept.extend([stored] if stored is not None else [])

    def resume(ctx: FlowContext) -> None:
        assert info is not None
        flow.resume(ctx, query.step, Recorded(info, kept[0] if kept else None))

    if info is None:
        return _resume(rt, session, form.call_sid, query,
                       lambda ctx: flow.resume(ctx, query.step, NoRecording()))
    return _resume(rt, session, form.call_sid, query, resume, before_claim=keep_message)


def no_recording(rt: Runtime, session: Session, form: MenuForm, query: StepQuery) -> str:
    return _answer(rt, session, form.call_sid, query, NoRecording())


def dialed(rt: Runtime, session: Session, form: DialForm, query: DialQuery) -> str:
    call = calls.get_call(session, call_sid=form.call_sid)
    answer, by = None, ""
    if call is not None and call.transfer_answer:
        seq, _, rest = call.transfer_answer.partition(":")
        if seq == str(query.seq):
            answer, _, by = rest.partition(":")
    return _answer(rt, session, form.call_sid, query,
                   DialResult(form.dial_status, form.dial_duration, group=query.group,
                              ring=query.ring, answer=answer, by=by))


def booking_input(rt: Runtime, session: Session, form: BookForm, query: BookQuery) -> str:
    # `pressed`: the caller said the key's meaning (a speech redirect, see twilio.media).
    digits = form.digits[:1] if form.digits else (query.pressed or "")
    said = form.speech if form.speech is not None else query.said
    return _answer(rt, session, form.call_sid, query, BookingAnswer(
        query.stage, digits, query.attempt, slots=query.slots, slot=query.slot,
        appointment_id=query.appointment, recording_url=form.recording_url,
        said=None if digits else said, type=query.type, who=query.who, seats=query.seats,
        seat=query.seat))


def goto_step(rt: Runtime, session: Session, form: MenuForm, query: StepQuery) -> str:
    return _resume(rt, session, form.call_sid, query,
                   lambda ctx: flow.goto_step(ctx, query.step), claim=False)


def recording_status(rt: Runtime, session: Session, form: RecordingStatusForm) -> str:
    call = calls.get_call(session, call_sid=form.call_sid)
    info = _recording_info(form)
    if call is None or info is None:
        log.warning("recording status for unknown call %s / recording %s", form.call_sid,
                    form.recording_sid)
        return EMPTY
    now = rt.clock()
    if form.recording_status == "absent":
        messages.discard_absent(session, call=call, recording_sid=info.sid, now=now)
    elif form.recording_status == "completed":
        messages.store_recording(session, call=call, info=info, now=now)
    else:
        assert call.id is not None
        calls.add_event(session, call_id=call.id, at=now, kind=EventKind.recording_status,
                        fields=EventFields(recording=info.sid, status=form.recording_status))
    return EMPTY


def call_status(rt: Runtime, session: Session, form: StatusForm) -> str:
    now = rt.clock()
    call = calls.get_call(session, call_sid=form.call_sid)
    if call is None:
        # Out of order (status before /voice) or a call we never answered: log it anyway.
        route = tenants.route_number(session, number=form.to_number)
        call = calls.open_call(session, call_sid=form.call_sid,
                               tenant_id=route.tenant_id if route else None,
                               from_number=form.from_number, to_number=form.to_number,
                               script_version=None, now=now)
    was_live = call.status not in calls.TERMINAL_STATUSES
    applied = calls.apply_status(session, call=call, status=form.call_status,
                                 duration_s=form.call_duration, now=now)
    if applied and was_live and call.status in calls.TERMINAL_STATUSES:
        notifications.call_ended(session, call=call, now=now)
    return EMPTY
