"""An incoming call, provider-neutral: its number routed to a business, the per-minute
limit, the `Call` opened, the gatekeeper (and its "press a key" challenge), then the
script started. Each function returns the actions the provider adapter renders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from receptionist.call_flows import engine as flow
from receptionist.call_flows import gatekeeper
from receptionist.call_flows.actions import (
    Action,
    Callback,
    Converse,
    Redirect,
    Say,
    say_then_hang_up,
)
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.desk import Desk, call_script, flow_context, script
from receptionist.call_flows.gatekeeper import CallerId
from receptionist.calls import service as calls
from receptionist.calls.event_text import describe
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.i18n import SPOKEN_LOCALES, gettext
from receptionist.tenants import service as tenants

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingCall:
    """A new call as the provider announced it."""

    call_sid: str
    from_number: str
    to_number: str
    caller_id: CallerId


def _said(text: str, language: str) -> Say:
    return Say(text, "", language)


def unknown_number() -> list[Action]:
    return say_then_hang_up(
        *(Say(gettext(language, "call.unknown_number"), "", language)
          for language in SPOKEN_LOCALES))


def apology(language: str = "en-US") -> list[Action]:
    return say_then_hang_up(_said(gettext(language, "call.technical_error"), language))


def answer(desk: Desk, session: Session, incoming: IncomingCall) -> list[Action]:
    now = desk.now()
    route = tenants.route_number(session, number=incoming.to_number)
    if route is None or route.active_version is None:
        call = calls.open_call(session, call_sid=incoming.call_sid, tenant_id=None,
                               from_number=incoming.from_number,
                               to_number=incoming.to_number, script_version=None, now=now)
        why = EventFields(reason=Reason.unknown_number if route is None else Reason.no_script)
        log.warning("call %s to %s rejected: %s", incoming.call_sid, incoming.to_number,
                    describe(EventKind.rejected, why))
        session.flush()
        assert call.id is not None
        calls.add_event(session, call_id=call.id, at=now, kind=EventKind.rejected, fields=why)
        return unknown_number()
    version = script(desk, session, route.tenant_id, route.active_version)
    desk.number_speaks(incoming.to_number, version.language)
    limit = route.calls_per_minute or desk.calls_per_minute()
    known = calls.get_call(session, call_sid=incoming.call_sid)
    if known is None and calls.limit_reached(
            session, tenant_id=route.tenant_id, since=now - timedelta(minutes=1),
            limit=limit):
        return _over_limit(session, incoming, tenant_id=route.tenant_id, limit=limit,
                           now=now, language=version.language)
    call = known or calls.new_call(
        session, call_sid=incoming.call_sid, tenant_id=route.tenant_id,
        from_number=incoming.from_number, to_number=incoming.to_number,
        script_version=route.active_version, now=now)
    if call.script_version is None:  # a status callback created the row first
        call.tenant_id, call.script_version = route.tenant_id, route.active_version
    ctx = flow_context(desk, session, call, version)
    if gatekeeper.let_in(ctx, incoming.caller_id):
        return _start(desk, ctx)
    return ctx.finish()


def _start(desk: Desk, ctx: FlowContext) -> list[Action]:
    """The script begins; speech listens when the script has a menu to answer. With the
    stream transport (and a process that can carry it), the script's first actions are
    played over a two-way stream; `resume` takes the call back if the stream drops."""
    conversation = (desk.conversation(ctx.call.call_sid, ctx.language, ctx.now)
                    if ctx.script.transport == "stream" else None)
    if conversation is not None:
        ctx.converses = True
    elif ctx.script.main_menu_step() is not None and desk.listens(ctx.language):
        ctx.media_stream_url, ctx.media_stream_token = desk.media_stream(
            ctx.call.call_sid, ctx.now)
    flow.start_call(ctx)
    actions = ctx.finish()
    if conversation is None:
        return actions
    url, token = conversation
    return [Converse(url, (("callSid", ctx.call.call_sid), ("token", token)),
                     tuple(actions)),
            Redirect(Callback.to("resume"))]


def challenge_answer(desk: Desk, session: Session, call_sid: str, digits: str,
                     attempt: int) -> list[Action]:
    """The caller's key at the "press 5 to reach us" challenge."""
    call = calls.get_call(session, call_sid=call_sid)
    version = call_script(desk, session, call) if call is not None else None
    if call is None or version is None:
        return apology()
    ctx = flow_context(desk, session, call, version)
    if call.screening != "challenged":  # a retry, or a late key after the answer
        ctx.log(EventKind.stale_callback, None, EventFields(reason=Reason.challenge_answered))
        if call.status in calls.TERMINAL_STATUSES or call.current_step is None:
            ctx.hang_up()
        else:
            ctx.redirect(Callback.to("step", step=call.current_step))
        return ctx.finish()
    if gatekeeper.challenge_answer(ctx, digits[:1], attempt):
        return _start(desk, ctx)
    return ctx.finish()


def _over_limit(session: Session, incoming: IncomingCall, *, tenant_id: int, limit: int,
                now: datetime, language: str) -> list[Action]:
    """More new calls this minute than the business admits: a polite "lines busy", and a
    line in its call log (the call is not counted as admitted)."""
    call = calls.open_call(session, call_sid=incoming.call_sid, tenant_id=tenant_id,
                           from_number=incoming.from_number, to_number=incoming.to_number,
                           script_version=None, now=now)
    call.status, call.ended_at = "rejected", now
    session.flush()
    assert call.id is not None
    calls.add_event(session, call_id=call.id, at=now, kind=EventKind.rejected,
                    fields=EventFields(reason=Reason.rate_limit, limit=limit))
    log.warning("call %s to %s turned away: over %d calls per minute", incoming.call_sid,
                incoming.to_number, limit)
    return say_then_hang_up(_said(gettext(language, "call.all_lines_busy"), language))
