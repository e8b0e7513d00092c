"""The owner's settings: notification channels, quiet hours and digest time, the CalDAV
link of each agenda, and API tokens (shown once, revocable). Same rules as the CLI."""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.admin.views import _check_csrf, _page, _rt, _tenant, _user
from receptionist.api.auth import create_token
from receptionist.appointments import service as appointments
from receptionist.db import SessionDep
from receptionist.notifications import service as notifications
from receptionist.notifications.models import NotificationChannel
from receptionist.secret_box import seal
from receptionist.tenants.models import ApiToken, Tenant

router = APIRouter(prefix="/admin", include_in_schema=False)
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _settings_page(request: Request, db: Session, slug: str, *, notice: str = "",
                   error: str = "", secret: str = "") -> Response:
    user, data = _user(request, db)
    tenant = _tenant(db, user, slug)
    assert tenant.id is not None
    channels = list(db.execute(select(NotificationChannel).where(
        col(NotificationChannel.tenant_id) == tenant.id,
        col(NotificationChannel.active).is_(True))).scalars())
    tokens = list(db.execute(select(ApiToken).where(
        col(ApiToken.tenant_id) == tenant.id, col(ApiToken.revoked_at).is_(None))).scalars())
    response = _page(request, "settings.html", data, user, tenant=tenant, section="settings",
                     channels=channels, tokens=tokens, notice=notice, error=error,
                     secret=secret,
                     prefs=notifications.settings_for(db, tenant_id=tenant.id),
                     agendas=appointments.list_agendas(db, tenant_id=tenant.id),
                     base=_rt(request).settings.public_base_url)
    if error:
        response.status_code = 400
    return response


@router.get("/t/{slug}/settings")
def settings_page(request: Request, db: SessionDep, slug: str,
                  notice: Annotated[str, Query(max_length=200)] = "") -> Response:
    return _settings_page(request, db, slug, notice=notice)


def _owner_tenant(request: Request, db: Session, slug: str, csrf: str) -> Tenant:
    user, data = _user(request, db)
    _check_csrf(data, csrf)
    tenant = _tenant(db, user, slug)
    assert tenant.id is not None
    return tenant


def _done(slug: str, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/t/{slug}/settings?notice={notice.replace(' ', '+')}",
                            status_code=303)


@router.post("/t/{slug}/settings/channels")
def add_channel(request: Request, db: SessionDep, slug: str,
                csrf: Annotated[str, Form(max_length=100)],
                channel: Annotated[str, Form(pattern="^(email|sms|webhook)$")],
                target: Annotated[str, Form(max_length=1000)],
                summaries: Annotated[bool, Form()] = False,
                digest: Annotated[bool, Form()] = False) -> Response:
    tenant = _owner_tenant(request, db, slug, csrf)
    assert tenant.id is not None
    events = tuple(e for e, on in (("call_summary", summaries), ("digest", digest)) if on)
    secret = secrets.token_urlsafe(32) if channel == "webhook" else ""
    rt = _rt(request)
    try:
        with rt.writing():
            notifications.add_channel(
                db, tenant_id=tenant.id, channel=channel, target=target.strip(),
                events=events, secret=seal(rt.settings.secret_key, secret) if secret else None)
            db.commit()
    except ValueError as exc:
        db.rollback()
        return _settings_page(request, db, slug, error=str(exc))
    return _settings_page(request, db, slug, notice=f"{channel} added", secret=secret)


@router.post("/t/{slug}/settings/channels/{channel_id}/remove")
def remove_channel(request: Request, db: SessionDep, slug: str, channel_id: int,
                   csrf: Annotated[str, Form(max_length=100)]) -> Response:
    tenant = _owner_tenant(request, db, slug, csrf)
    row = db.get(NotificationChannel, channel_id)
    if row is None or row.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    with _rt(request).writing():
        row.active = False
        db.add(row)
        db.commit()
    return _done(slug, "channel removed")


@router.post("/t/{slug}/settings/notifications")
def notification_settings(request: Request, db: SessionDep, slug: str,
                          csrf: Annotated[str, Form(max_length=100)],
                          quiet_start: Annotated[str, Form(max_length=5)] = "",
                          quiet_end: Annotated[str, Form(max_length=5)] = "",
                          digest_time: Annotated[str, Form(max_length=5)] = "") -> Response:
    tenant = _owner_tenant(request, db, slug, csrf)
    assert tenant.id is not None
    for value in (quiet_start, quiet_end, digest_time):
        if value and not HHMM.match(value):
            return _settings_page(request, db, slug, error=f"{value!r} is not a time (HH:MM)")
    if bool(quiet_start) != bool(quiet_end) or (quiet_start and quiet_start == quiet_end):
        return _settings_page(request, db, slug,
                              error="quiet hours need a start and a different end")
    with _rt(request).writing():
        prefs = notifications.settings_for(db, tenant_id=tenant.id)
        prefs.quiet_start, prefs.quiet_end = quiet_start or None, quiet_end or None
        prefs.digest_time = digest_time or None
        db.add(prefs)
        db.commit()
    return _done(slug, "notifications saved")


@router.post("/t/{slug}/settings/tokens")
def new_token(request: Request, db: SessionDep, slug: str,
              csrf: Annotated[str, Form(max_length=100)],
              name: Annotated[str, Form(max_length=200)] = "") -> Response:
    tenant = _owner_tenant(request, db, slug, csrf)
    rt = _rt(request)
    with rt.writing():
        token = create_token(db, tenant=tenant, name=name, now=rt.clock())
        db.commit()
    return _settings_page(request, db, slug, notice="token created", secret=token)


@router.post("/t/{slug}/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, db: SessionDep, slug: str, token_id: int,
                 csrf: Annotated[str, Form(max_length=100)]) -> Response:
    tenant = _owner_tenant(request, db, slug, csrf)
    row = db.get(ApiToken, token_id)
    if row is None or row.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    rt = _rt(request)
    with rt.writing():
        row.revoked_at = rt.clock()
        db.add(row)
        db.commit()
    return _done(slug, "token revoked")


@router.post("/t/{slug}/settings/agendas/{agenda_slug}/caldav")
def link_calendar(request: Request, db: SessionDep, slug: str, agenda_slug: str,
                  csrf: Annotated[str, Form(max_length=100)],
                  url: Annotated[str, Form(max_length=1000)] = "",
                  username: Annotated[str, Form(max_length=200)] = "",
                  password: Annotated[str, Form(max_length=500)] = "") -> Response:
    tenant = _owner_tenant(request, db, slug, csrf)
    assert tenant.id is not None
    agenda = appointments.get_agenda(db, tenant_id=tenant.id, slug=agenda_slug)
    if agenda is None:
        raise HTTPException(404, "no such page")
    rt = _rt(request)
    if url and not url.startswith(("http://", "https://")):
        return _settings_page(request, db, slug, error="the calendar URL must be http(s)")
    with rt.writing():
        if not url:
            agenda.caldav_url = agenda.caldav_username = agenda.caldav_password = None
            appointments.forget_external(db, agenda=agenda)
        else:
            agenda.caldav_url, agenda.caldav_username = url.rstrip("/") + "/", username
            agenda.caldav_password = seal(rt.settings.secret_key, password)
            agenda.caldav_error, agenda.caldav_checked_at = "", None
            appointments.resync_all(db, agenda=agenda, now=rt.clock())
        db.add(agenda)
        db.commit()
    return _done(slug, "calendar unlinked" if not url else "calendar linked")
