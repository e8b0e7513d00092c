"""Dev mode only: the business's outbox as its recipients would read it, newest first:
owners' call summaries and digests, callers' booking confirmations and reminders (SMS,
e-mail, webhook), whatever became of them. In dev mode nothing needs a real provider:
SMS go to the app's stand-in for Twilio (`twilio/dev_twilio.py`) and e-mails without
SMTP_URL stay here (`notifications/email.DEV_OUTBOX`); this page is where to read them.
A call summary is written as delivery writes it (`notifications/summaries.py`), from the
call as it is now. `main.create_app` includes this router in dev mode only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from receptionist.admin.deps import CurrentUser, OwnedTenant, render
from receptionist.calls.models import Call
from receptionist.i18n import N_
from receptionist.notifications import summaries
from receptionist.outbox.models import OutboxItem
from receptionist.web_deps import SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = 50
KINDS = {"call_summary": N_("admin.outbox.kind.call_summary"),
         "digest": N_("admin.outbox.kind.digest"),
         "booking_confirmed": N_("admin.outbox.kind.booking_confirmed"),
         "booking_moved": N_("admin.outbox.kind.booking_moved"),
         "booking_cancelled": N_("admin.outbox.kind.booking_cancelled"),
         "reminder": N_("admin.outbox.kind.reminder")}
CHANNELS = {"sms": N_("admin.outbox.channel.sms"), "email": N_("admin.outbox.channel.email"),
            "webhook": N_("admin.outbox.channel.webhook")}
STATUSES = {"pending": N_("admin.outbox.status.pending"),
            "sent": N_("admin.outbox.status.sent"),
            "failed": N_("admin.outbox.status.failed"),
            "void": N_("admin.outbox.status.void")}


@dataclass(frozen=True)
class Letter:
    """One outbox row as its recipient reads it."""

    item: OutboxItem
    subject: str
    text: str
    call_sid: str | None


def letter(session: Session, item: OutboxItem, *, public_base: str) -> Letter:
    """What the row says: a call summary written as delivery writes it (the short text
    for SMS), a digest's first line as its subject, any other row its body."""
    subject, text, call_sid = "", item.body, None
    if item.kind == "call_summary" and item.call_id is not None:
        summary = summaries.build(session, item.call_id, public_base=public_base)
        if summary is not None:
            subject = summary.subject() if item.channel == "email" else ""
            text = summary.sms() if item.channel == "sms" else summary.text()
            call_sid = summary.call_sid
    elif item.kind == "digest" and item.body:
        subject = item.body.splitlines()[0]
    elif item.call_id is not None:
        call = session.get(Call, item.call_id)
        call_sid = call.call_sid if call is not None else None
    return Letter(item, subject, text, call_sid)


def newest(session: Session, *, tenant_id: int, limit: int, offset: int = 0
           ) -> list[OutboxItem]:
    return list(session.exec(
        select(OutboxItem).where(OutboxItem.tenant_id == tenant_id)
        .order_by(col(OutboxItem.created_at).desc(), col(OutboxItem.id).desc())
        .limit(limit).offset(offset)).all())


@router.get("/t/{slug}/dev/outbox")
def dev_outbox(request: Request, db: SessionDep, signed: CurrentUser, tenant: OwnedTenant,
               slug: str, page: Annotated[int, Query(ge=0, le=100_000)] = 0) -> Response:
    user, data = signed
    assert tenant.id is not None
    rows = newest(db, tenant_id=tenant.id, limit=PAGE + 1, offset=page * PAGE)
    base = runtime_of(request).settings.public_base_url
    return render(request, "dev_outbox.html", data, user, tenant=tenant,
                  letters=[letter(db, row, public_base=base) for row in rows[:PAGE]],
                  more=len(rows) > PAGE, page=page, tz=ZoneInfo(tenant.timezone),
                  kinds=KINDS, channels=CHANNELS, statuses=STATUSES, section="dev_outbox")
