"""The owner's settings: notification channels, quiet hours and digest time, the CalDAV
link of each agenda, and API tokens (shown once, revocable). Same rules as the CLI."""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from receptionist.admin import voice_settings
from receptionist.admin.deps import (
    CsrfChecked,
    Notice,
    OwnedTenant,
    Shown,
    agenda_of,
    owned_tenant,
    redirect_with_notice,
    render,
    signed_in,
)
from receptionist.appointments import agendas, busy_feed
from receptionist.catalog_text import CatalogText, Refused, said
from receptionist.i18n import N_
from receptionist.notifications import service as notifications
from receptionist.notifications.channels import CHANNELS
from receptionist.notifications.models import NotificationChannel
from receptionist.outbound import OutboundRefused
from receptionist.privacy import service as privacy
from receptionist.secret_box import seal
from receptionist.tenants.models import ApiToken
from receptionist.tenants.tokens import create_token, live_tokens
from receptionist.web_deps import RowId, SessionDep, runtime_of
from receptionist.weekly_hours import parse_closure_lines, parse_hours_lines

router = APIRouter(prefix="/admin", include_in_schema=False)
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# The notice of a channel added, by its kind.
ADDED = {"email": N_("admin.notice.email_added"), "sms": N_("admin.notice.sms_added"),
         "webhook": N_("admin.notice.webhook_added")}


def _settings_page(request: Request, db: Session, slug: str, *, notice: Shown = "",
                   error: Shown = "", secret: str = "") -> Response:
    user, data = signed_in(request, db)
    tenant = owned_tenant(db, user, slug)
    assert tenant.id is not None
    channels = notifications.channels_of(db, tenant_id=tenant.id)
    tokens = live_tokens(db, tenant_id=tenant.id)
    erasures = privacy.recent_erasures(db, tenant_id=tenant.id)
    response = render(request, "settings.html", data, user, tenant=tenant, section="settings",
                     channels=channels, tokens=tokens, notice=notice, error=error,
                     erasures=erasures,
                     secret=secret,
                     prefs=notifications.settings_for(db, tenant_id=tenant.id),
                     agendas=agendas.list_agendas(db, tenant_id=tenant.id),
                     voices=voice_settings.choices(
                         tenant, voice_settings.current_voice(db, tenant)),
                     base=runtime_of(request).settings.public_base_url)
    if error:
        response.status_code = 400
    return response


@router.get("/t/{slug}/settings")
def settings_page(request: Request, db: SessionDep, slug: str,
                  notice: Notice = "") -> Response:
    return _settings_page(request, db, slug, notice=notice)


def _done(request: Request, slug: str, notice: CatalogText) -> RedirectResponse:
    return redirect_with_notice(request, f"/admin/t/{slug}/settings", notice)


@router.post("/t/{slug}/settings/channels")
def add_channel(request: Request, db: SessionDep,
                signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                channel: Annotated[str, Form(pattern="^(email|sms|webhook)$")],
                target: Annotated[str, Form(max_length=1000)],
                summaries: Annotated[bool, Form()] = False,
                digest: Annotated[bool, Form()] = False) -> Response:
    assert tenant.id is not None
    events = tuple(e for e, on in (("call_summary", summaries), ("digest", digest)) if on)
    kind = CHANNELS.get(channel)
    secret = secrets.token_urlsafe(32) if kind is not None and kind.signed else ""
    rt = runtime_of(request)
    try:
        with rt.database.write_transaction(db):
            notifications.add_channel(
                db, tenant_id=tenant.id, channel=channel, target=target.strip(),
                events=events, secret=seal(rt.settings.secret_key, secret) if secret else None,
                outbound=rt.outbound)
    except ValueError as exc:
        db.rollback()
        return _settings_page(request, db, slug, error=said(exc))
    return _settings_page(request, db, slug, notice=CatalogText(ADDED[channel]),
                          secret=secret)


@router.post("/t/{slug}/settings/retention")
def set_retention(request: Request, db: SessionDep,
                  signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                  days: Annotated[str, Form(max_length=10)] = "") -> Response:
    assert tenant.id is not None
    text = days.strip()
    try:
        if text and not text.isdigit():
            raise Refused(N_("refusal.retention.days_or_empty"),
                          most=privacy.MAX_RETENTION_DAYS)
        with runtime_of(request).database.write_transaction(db):
            privacy.set_retention(db, tenant, int(text) if text else None)
    except ValueError as exc:
        return _settings_page(request, db, slug, error=said(exc))
    return _done(request, slug, CatalogText(N_("admin.notice.retention_saved")))


@router.post("/t/{slug}/settings/erasures")
def erase_caller(request: Request, db: SessionDep,
                 signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                 phone: Annotated[str, Form(max_length=64)]) -> Response:
    assert tenant.id is not None
    user, _ = signed
    try:
        number = privacy.normalize_phone(phone)
    except privacy.PhoneError as exc:
        return _settings_page(request, db, slug, error=said(exc))
    rt = runtime_of(request)
    with rt.database.write_transaction(db):
        privacy.request_erasure(db, tenant_id=tenant.id, phone=number, requested_by=user.email,
                                now=rt.clock())
    return _done(request, slug, CatalogText(N_("admin.notice.erasure_queued")))


@router.post("/t/{slug}/settings/channels/{channel_id}/remove")
def remove_channel(request: Request, db: SessionDep,
                   signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                   channel_id: RowId) -> Response:
    assert tenant.id is not None
    row = db.get(NotificationChannel, channel_id)
    if row is None or row.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    with runtime_of(request).database.write_transaction(db):
        row.active = False
        db.add(row)
    return _done(request, slug, CatalogText(N_("admin.notice.channel_removed")))


@router.post("/t/{slug}/settings/notifications")
def notification_settings(request: Request, db: SessionDep,
                          signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                          quiet_start: Annotated[str, Form(max_length=5)] = "",
                          quiet_end: Annotated[str, Form(max_length=5)] = "",
                          digest_time: Annotated[str, Form(max_length=5)] = "") -> Response:
    assert tenant.id is not None
    for value in (quiet_start, quiet_end, digest_time):
        if value and not HHMM.match(value):
            return _settings_page(request, db, slug, error=CatalogText(
                N_("refusal.settings.not_a_time"), value=repr(value)))
    if bool(quiet_start) != bool(quiet_end) or (quiet_start and quiet_start == quiet_end):
        return _settings_page(request, db, slug,
                              error=CatalogText(N_("refusal.settings.quiet_hours")))
    with runtime_of(request).database.write_transaction(db):
        prefs = notifications.settings_for(db, tenant_id=tenant.id)
        prefs.quiet_start, prefs.quiet_end = quiet_start or None, quiet_end or None
        prefs.digest_time = digest_time or None
        db.add(prefs)
    return _done(request, slug, CatalogText(N_("admin.notice.notifications_saved")))


@router.post("/t/{slug}/settings/tokens")
def new_token(request: Request, db: SessionDep,
              signed: CsrfChecked, tenant: OwnedTenant, slug: str,
              name: Annotated[str, Form(max_length=200)] = "") -> Response:
    assert tenant.id is not None
    user, _ = signed
    rt = runtime_of(request)
    with rt.database.write_transaction(db):
        token = create_token(db, tenant=tenant, name=name or user.email, now=rt.clock(),
                             user_id=user.id)
    return _settings_page(request, db, slug,
                          notice=CatalogText(N_("admin.notice.token_created")), secret=token)


@router.post("/t/{slug}/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, db: SessionDep,
                 signed: CsrfChecked, tenant: OwnedTenant, slug: str, token_id: RowId) -> Response:
    assert tenant.id is not None
    row = db.get(ApiToken, token_id)
    if row is None or row.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    rt = runtime_of(request)
    with rt.database.write_transaction(db):
        row.revoked_at = rt.clock()
        db.add(row)
    rt.api_tokens.forget(row.token_sha256)  # other instances: within token_cache.TTL_S
    return _done(request, slug, CatalogText(N_("admin.notice.token_revoked")))


def _checked(request: Request, db: Session, slug: str, url: str, refused: str
             ) -> str | Response:
    """The normalised URL to store, or the settings page with the reason if the server
    may not call `url` (`refused`: the message id saying whose URL, with its reason)."""
    try:
        return runtime_of(request).outbound.check(url)
    except OutboundRefused as exc:
        return _settings_page(request, db, slug,
                              error=CatalogText(refused, reason=exc.text))


@router.post("/t/{slug}/settings/agendas/{agenda_slug}/caldav")
def link_calendar(request: Request, db: SessionDep,
                  signed: CsrfChecked, tenant: OwnedTenant, slug: str, agenda_slug: str,
                  url: Annotated[str, Form(max_length=1000)] = "",
                  username: Annotated[str, Form(max_length=200)] = "",
                  password: Annotated[str, Form(max_length=500)] = "") -> Response:
    agenda = agenda_of(db, tenant, agenda_slug)
    rt = runtime_of(request)
    if url and agenda.busy_feed_url:
        return _settings_page(request, db, slug, error=CatalogText(
            N_("refusal.settings.unlink_feed_first")))
    if url:
        checked = _checked(request, db, slug, url, N_("refusal.settings.calendar_url"))
        if isinstance(checked, Response):
            return checked
        url = checked
    with rt.database.write_transaction(db):
        if url:
            agenda.caldav_url, agenda.caldav_username = url.rstrip("/") + "/", username
            agenda.caldav_password = seal(rt.settings.secret_key, password)
            agendas.calendar_linked(db, agenda=agenda, now=rt.clock())
        elif agenda.caldav_url:  # a feed's busy times are not forgotten from here
            agenda.caldav_url = agenda.caldav_username = agenda.caldav_password = None
            agendas.forget_external(db, agenda=agenda)
        db.add(agenda)
    return _done(request, slug, CatalogText(N_("admin.notice.calendar_unlinked")) if not url
                 else CatalogText(N_("admin.notice.calendar_linked")))


@router.post("/t/{slug}/settings/agendas/{agenda_slug}/feed")
def link_feed(request: Request, db: SessionDep, signed: CsrfChecked, tenant: OwnedTenant,
              slug: str, agenda_slug: str,
              url: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Busy times from the calendar's secret iCalendar address (never shown back), or,
    with an empty address, no feed any more."""
    agenda = agenda_of(db, tenant, agenda_slug)
    rt = runtime_of(request)
    address = busy_feed.feed_url(url)
    if address and agenda.caldav_url:
        return _settings_page(request, db, slug, error=CatalogText(
            N_("refusal.settings.unlink_caldav_first")))
    if address:
        checked = _checked(request, db, slug, address, N_("refusal.settings.feed_url"))
        if isinstance(checked, Response):
            return checked
        address = checked
    with rt.database.write_transaction(db):
        if address:
            agenda.busy_feed_url = seal(rt.settings.secret_key, address)
            agendas.calendar_linked(db, agenda=agenda, now=rt.clock())
        elif agenda.busy_feed_url:
            agenda.busy_feed_url = None
            agendas.forget_external(db, agenda=agenda)
        db.add(agenda)
    return _done(request, slug, CatalogText(N_("admin.notice.feed_linked")) if address
                 else CatalogText(N_("admin.notice.feed_unlinked")))


@router.post("/t/{slug}/settings/agendas/{agenda_slug}/rules")
def agenda_rules(request: Request, db: SessionDep,
                 signed: CsrfChecked, tenant: OwnedTenant, slug: str, agenda_slug: str,
                 hours: Annotated[str, Form(max_length=2000)],
                 closures: Annotated[str, Form(max_length=4000)],
                 slot_minutes: Annotated[int, Form(ge=5, le=1440)],
                 buffer_minutes: Annotated[int, Form(ge=0, le=1440)],
                 min_notice_minutes: Annotated[int, Form(ge=0, le=100_000)],
                 horizon_days: Annotated[int, Form(ge=1, le=730)],
                 reminder_hours: Annotated[int, Form(ge=0, le=168)]) -> Response:
    """Hours as lines `mon 09:00-12:00 14:00-18:00`; closures as lines
    `2026-12-24 2026-12-26 Christmas` (end date and name optional)."""
    agenda = agenda_of(db, tenant, agenda_slug)
    try:
        weekly = parse_hours_lines(hours)
        closed = parse_closure_lines(closures)
    except ValueError as exc:
        return _settings_page(request, db, slug, error=said(exc))
    try:
        with runtime_of(request).database.write_transaction(db):
            agendas.update_rules(
                db, agenda=agenda, weekly_hours=weekly, closures=closed,
                slot_minutes=slot_minutes, buffer_minutes=buffer_minutes,
                min_notice_minutes=min_notice_minutes, horizon_days=horizon_days,
                reminder_hours=reminder_hours)
    except ValueError as exc:
        return _settings_page(request, db, slug, error=CatalogText(
            N_("refusal.settings.agenda"), agenda=agenda_slug, reason=said(exc)))
    return _done(request, slug, CatalogText(N_("admin.notice.agenda_saved"), agenda=agenda_slug))


@router.get("/t/{slug}/settings/voices/sample")
def voice_sample(request: Request, tenant: OwnedTenant, slug: str,
                 voice: Annotated[str, Query(max_length=voice_settings.MAX_SPEC)]
                 ) -> Response:
    """A sample sentence in an installed voice of the business's language, as callers
    would hear it (audio/wav)."""
    chosen = voice_settings.offered(tenant, voice)
    wav = voice_settings.sample_wav(runtime_of(request), tenant, chosen)
    return Response(wav, media_type="audio/wav")  # no-store, as every admin answer


@router.post("/t/{slug}/settings/voice")
def choose_voice(request: Request, db: SessionDep,
                 signed: CsrfChecked, tenant: OwnedTenant, slug: str,
                 voice: Annotated[str, Form(max_length=voice_settings.MAX_SPEC)]) -> Response:
    """Prompts spoken by the voice chosen: the script published again with its `voice:`."""
    user, _ = signed
    chosen = voice_settings.offered(tenant, voice)
    if tenant.active_version is None:
        return _settings_page(request, db, slug, error=CatalogText(
            N_("refusal.tenant.no_published_script"), slug=repr(tenant.slug)))
    try:
        version = voice_settings.publish_voice(runtime_of(request), db, tenant, chosen,
                                               author=user.email)
    except ValueError as exc:  # a script problem, or a form's refusal
        db.rollback()
        return _settings_page(request, db, slug, error=said(exc))
    return _done(request, slug, CatalogText(N_("admin.notice.voice_chosen"),
                                            voice=f"{chosen.engine} {chosen.name}",
                                            version=version))

