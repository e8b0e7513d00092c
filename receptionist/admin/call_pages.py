"""The owner's calls and messages in plain words: the call log (outcome and one line per
call), one call (who, what happened, its message and appointment, the engine's timeline
folded under "details"), one message (the recording, transcript, urgency, who, where in
the call it was left). Every time is the business's, written by Babel."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from receptionist.admin.call_words import (
    OUTCOME_WORDS,
    Retold,
    duration_words,
    long_when,
    retell,
    short_when,
)
from receptionist.admin.deps import CurrentUser, Notice, OwnedTenant, render
from receptionist.admin.script_words import step_label
from receptionist.call_flows.publishing import active_script
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.calls.event_text import describe
from receptionist.calls.models import Call
from receptionist.calls.story import Fact
from receptionist.contacts import service as contacts
from receptionist.i18n import format_time
from receptionist.messages.models import Message
from receptionist.tenants.models import Tenant
from receptionist.tenants.service import TenantError
from receptionist.web_deps import RowId, SessionDep

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = 25


# Twilio's CallStatus values, each named in the catalogs (`admin.call_status.*`).
CALL_STATUSES = frozenset({"queued", "ringing", "in-progress", "completed", "busy", "failed",
                           "no-answer", "canceled"})


def script_of(db: Session, tenant: Tenant) -> Script | None:
    """The business's active script (its labels and names), if it has one."""
    try:
        return active_script(db, tenant=tenant)[1]
    except TenantError:
        return None


def _words(db: Session, tenant: Tenant, rows: list[Call], language: str) -> list[Retold]:
    assert tenant.id is not None
    return retell(db, tenant_id=tenant.id, tz=ZoneInfo(tenant.timezone),
                  script=script_of(db, tenant), calls=rows, language=language)


def _helpers(language: str, tz: ZoneInfo) -> dict[str, Any]:
    return {"when": lambda moment: short_when(language, moment.astimezone(tz)),
            "long_when": lambda moment: long_when(language, moment.astimezone(tz)),
            "clock": lambda moment: format_time(language, moment.astimezone(tz), "medium"),
            "duration": lambda seconds: duration_words(language, seconds),
            "outcome_words": OUTCOME_WORDS}


@router.get("/t/{slug}/calls")
def call_log(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
             slug: str, page: Annotated[int, Query(ge=0, le=100_000)] = 0,
             notice: Notice = "") -> Response:
    user, data = signed
    assert tenant.id is not None
    rows = calls.list_calls(db, tenant_id=tenant.id, limit=PAGE + 1, offset=page * PAGE)
    tz = ZoneInfo(tenant.timezone)
    return render(request, "calls.html", data, user, tenant=tenant, section="calls",
                  calls=_words(db, tenant, rows[:PAGE], user.language),
                  more=len(rows) > PAGE, page=page, tz=tz, notice=notice,
                  **_helpers(user.language, tz))


@router.get("/t/{slug}/calls/{call_sid}")
def call_detail(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
                slug: str, call_sid: str, notice: Notice = "") -> Response:
    user, data = signed
    assert tenant.id is not None
    call = calls.tenant_call(db, tenant_id=tenant.id, call_sid=call_sid[:64])
    if call is None or call.id is None:
        raise HTTPException(404, "no such page")
    [retold] = _words(db, tenant, [call], user.language)
    script = script_of(db, tenant)
    tz = ZoneInfo(tenant.timezone)
    return render(request, "call.html", data, user, tenant=tenant, section="calls",
                  c=retold, tz=tz, notice=notice, call_statuses=CALL_STATUSES,
                  last_step=step_label(script, call.last_step, user.language)
                  if call.last_step else "",
                  events=[(e, describe(e.kind, e.fields))
                          for e in calls.call_events(db, call=call)],
                  **_helpers(user.language, tz))


def message_of(db: Session, tenant: Tenant, message_id: int) -> Message:
    message = db.get(Message, message_id)
    if message is None or message.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    return message


@router.get("/t/{slug}/messages/{message_id}")
def message_page(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
                 slug: str, message_id: RowId, notice: Notice = "") -> Response:
    """One message: its recording and transcript, how urgent, who left it (their contact),
    and where in the call it was left (what the caller did before, the step)."""
    user, data = signed
    assert tenant.id is not None
    message = message_of(db, tenant, message_id)
    call = db.get(Call, message.call_id)
    retold = _words(db, tenant, [call], user.language)[0] if call is not None else None
    script = script_of(db, tenant)
    where = ""
    if retold is not None:
        mine = next((f for f in retold.facts if f.fact == Fact.message
                     and f.recording == message.recording_sid), None)
        if mine is not None:
            events = calls.call_events(db, call=retold.call)
            steps = [e.step for e in events[:mine.at_event + 1] if e.step]
            where = step_label(script, steps[-1] if steps else None, user.language)
    contact = contacts.contact_for(db, tenant_id=tenant.id, number=message.caller) \
        if message.caller else None
    tz = ZoneInfo(tenant.timezone)
    return render(request, "message.html", data, user, tenant=tenant, section="inbox",
                  m=message, c=retold, where=where, contact=contact,
                  caller_name=retold.name if retold else "", tz=tz, notice=notice,
                  into=int((message.created_at - call.started_at).total_seconds())
                  if call is not None else None,
                  **_helpers(user.language, tz))
