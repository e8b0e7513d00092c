"""The admin UI (server-rendered, Jinja2): login, an owner's inbox (calls and one message
each: `call_pages.py`).

Every page under /admin/t/{slug}/ checks that the logged-in user may see that business;
any other slug (or an id belonging to another business) is a 404, as for something that
does not exist. Every form carries the session's CSRF token.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session

from receptionist.admin import sessions
from receptionist.admin.deps import (
    CsrfChecked,
    CurrentUser,
    Notice,
    OwnedTenant,
    check_csrf,
    render,
    session_data,
    set_cookie,
)
from receptionist.admin.error_pages import preferred_language
from receptionist.admin.tenants import tenants_page
from receptionist.appointments import lookups
from receptionist.catalog_text import CatalogText
from receptionist.clock import SaneDate
from receptionist.i18n import LANGUAGES, N_
from receptionist.messages import service as messages
from receptionist.messages.models import Message
from receptionist.tenants.models import Tenant
from receptionist.users import login_throttle as throttle
from receptionist.users import service as users
from receptionist.web_deps import RowId, SessionDep, runtime_of

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = 25
log = logging.getLogger(__name__)


@router.get("/login")
def login_page(request: Request) -> Response:
    data = session_data(request) or sessions.new_session(None, 0, runtime_of(request).clock())
    return render(request, "login.html", data, None, error="", language=_browser_language(request))


def _browser_language(request: Request) -> str:
    """Nobody is signed in on the login page: it speaks the browser's language."""
    return preferred_language(request.headers.get("accept-language", ""))


def _duration(seconds: int) -> CatalogText:
    if seconds < 120:
        return CatalogText(N_("admin.wait.one_second")) if seconds == 1 \
            else CatalogText(N_("admin.wait.seconds"), n=seconds)
    return CatalogText(N_("admin.wait.minutes"), n=math.ceil(seconds / 60))


@router.post("/login")
def login(request: Request, db: SessionDep, email: Annotated[str, Form(max_length=320)],
          password: Annotated[str, Form(max_length=500)],
          csrf: Annotated[str, Form(max_length=100)]) -> Response:
    """Admitted and counted in one short write, checked with nothing held (argon2 takes
    tens of milliseconds on purpose), settled in a second short write: a burst of logins
    never holds the write lock or a connection while passwords are hashed."""
    rt = runtime_of(request)
    data = session_data(request)
    check_csrf(data, csrf)
    address = request.client.host if request.client else "?"
    now = rt.clock()
    known_device = sessions.device_known(rt.settings.secret_key,
                                         request.cookies.get(sessions.DEVICE_COOKIE),
                                         throttle.account_key(email), now)
    with rt.database.write_transaction(db):
        admitted = throttle.admit(db, address=address, email=email, now=now,
                                  known_device=known_device)
        found = users.credentials(db, email=email)
    if isinstance(admitted, throttle.Refused):
        return _slowed_down(request, admitted, address, email)
    matches = users.password_matches(found, password)
    new_hash = users.new_hash_if_needed(found, password) if matches else None
    with rt.database.write_transaction(db):
        throttle.settle(db, admitted, succeeded=matches)
        user = users.logged_in(db, found, new_hash) if matches else None
    if user is None:
        log.info("failed login from %s", address)
        fresh = sessions.new_session(None, 0, rt.clock())
        response = render(request, "login.html", fresh, None, error=users.WRONG_LOGIN,
                          language=_browser_language(request))
        response.status_code = 401
        return response
    assert user.id is not None
    response = RedirectResponse("/admin", status_code=303)
    # A new session (and CSRF token) at login: nothing from before carries over.
    set_cookie(request, response, sessions.new_session(user.id, user.session_version,
                                                        rt.clock()))
    sessions.set_device_cookie(response, rt.settings.secret_key, throttle.account_key(email),
                               rt.clock(), secure=request.url.scheme == "https")
    return response


# Why a login is slowed down, by the scope of the limit reached (field: {wait}).
_TOO_MANY = {
    "address": N_("admin.login.too_many_address"),
    "account": N_("admin.login.too_many_account"),
    "everywhere": N_("admin.login.too_many_everywhere"),
}


def _slowed_down(request: Request, refused: throttle.Refused, address: str,
                 email: str) -> Response:
    log.warning("login slowed down: address %s, account %s…, %s, wait %s", address,
                throttle.account_key(email)[:12], refused.scope, refused.wait)
    seconds = max(1, math.ceil(refused.wait.total_seconds()))
    response = render(request, "login.html",
                      sessions.new_session(None, 0, runtime_of(request).clock()), None,
                      language=_browser_language(request),
                      error=CatalogText(_TOO_MANY[refused.scope], wait=_duration(seconds)))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep,
           signed: CsrfChecked) -> Response:
    user = signed.user
    # The cookie is signed, not stored: a copy of it must stop working too, so the
    # user's session version moves on (this logs out their other devices as well).
    with runtime_of(request).database.write_transaction(db):
        user.session_version += 1
        db.add(user)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/admin")
    return response


@router.get("")
def home(request: Request, db: SessionDep,
         signed: CurrentUser) -> Response:
    user, _ = signed
    mine = users.tenants_of(db, user)
    if user.role == "owner" and mine:  # the owner lands on their figures
        return RedirectResponse(f"/admin/t/{mine[0].slug}/dashboard", status_code=303)
    return RedirectResponse("/admin/tenants", status_code=303)


@router.get("/tenants")
def tenant_list(request: Request, db: SessionDep,
                signed: CurrentUser) -> Response:
    user, data = signed
    return tenants_page(request, db, user, data)


def _local_day(day: date | None, tz: ZoneInfo, *, end: bool) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), tz)


@router.get("/t/{slug}/inbox")
def inbox(request: Request, db: SessionDep,
          signed: CurrentUser, tenant: OwnedTenant, slug: str,
          status: Annotated[str, Query(pattern="^(new|handled|all)$")] = "new",
          q: Annotated[str, Query(max_length=100)] = "",
          since: SaneDate | None = Query(default=None, alias="from"),
          until: SaneDate | None = Query(default=None, alias="to"),
          page: Annotated[int, Query(ge=0, le=100_000)] = 0,
          notice: Notice = "") -> Response:
    user, data = signed
    tz = ZoneInfo(tenant.timezone)
    assert tenant.id is not None
    rows = messages.inbox(db, tenant_id=tenant.id, status=status, text=q,
                          start=_local_day(since, tz, end=False),
                          stop=_local_day(until, tz, end=True), limit=PAGE + 1,
                          offset=page * PAGE)
    names = lookups.caller_names(db, tenant_id=tenant.id,
                                 numbers=[m.caller for m in rows[:PAGE]])
    return render(request, "inbox.html", data, user, tenant=tenant, messages=rows[:PAGE],
                 names=names, more=len(rows) > PAGE, page=page, status=status, q=q,
                 since=since or "", until=until or "", tz=tz, section="inbox",
                 notice=notice)


def _message(db: Session, tenant: Tenant, message_id: int) -> Message:
    message = db.get(Message, message_id)
    if message is None or message.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    return message


@router.get("/t/{slug}/messages/{message_id}/audio")
def message_audio(request: Request, db: SessionDep,
                  tenant: OwnedTenant, message_id: RowId) -> Response:
    message = _message(db, tenant, message_id)
    if not message.audio_path or not Path(message.audio_path).is_file():
        raise HTTPException(404, "recording not downloaded yet")
    return FileResponse(message.audio_path, media_type="audio/wav")  # not stored (no_store)


@router.post("/t/{slug}/messages/{message_id}/handled")
def mark_handled(request: Request, db: SessionDep,
                 signed: CsrfChecked, tenant: OwnedTenant, slug: str, message_id: RowId,
                 handled: Annotated[bool, Form()] = True,
                 back: Annotated[str, Form(pattern="^(inbox|message)$")] = "inbox") -> Response:
    message = _message(db, tenant, message_id)
    with runtime_of(request).database.write_transaction(db):
        message.handled = handled
        db.add(message)
    if back == "message":
        return RedirectResponse(f"/admin/t/{slug}/messages/{message_id}", status_code=303)
    return RedirectResponse(f"/admin/t/{slug}/inbox", status_code=303)


@router.post("/language")
def choose_language(request: Request, db: SessionDep, signed: CsrfChecked,
                    language: Annotated[str, Form(max_length=16)],
                    back: Annotated[str, Form(max_length=500)] = "/admin") -> Response:
    """The page language of this account, remembered; back to the page it was chosen on
    (a path of the admin UI only: never another site)."""
    user, _ = signed
    if language not in LANGUAGES:
        raise HTTPException(422, "not a language of the admin UI")
    with runtime_of(request).database.write_transaction(db):
        user.language = language
        db.add(user)
    target = back if _ADMIN_PATH.match(back) else "/admin"
    return RedirectResponse(target, status_code=303)


_ADMIN_PATH = re.compile(r"^/admin(/[A-Za-z0-9_./?=&%+-]*)?$")


@router.get("/password")
def password_page(request: Request, db: SessionDep,
                  signed: CurrentUser) -> Response:
    user, data = signed
    return render(request, "password.html", data, user, error="", done=False)


@router.post("/password")
def change_password(request: Request, db: SessionDep,
                    signed: CsrfChecked,
                    current: Annotated[str, Form(max_length=500)],
                    new: Annotated[str, Form(max_length=500)]) -> Response:
    user, data = signed
    runtime_of(request).database.end_reads(db)  # the connection goes back while argon2 works
    try:
        new_hash = users.new_password_hash(user, current=current, new=new)
    except users.AccountError as exc:
        response = render(request, "password.html", data, user, error=exc.text, done=False)
        response.status_code = 400
        return response
    with runtime_of(request).database.write_transaction(db):
        users.store_password(db, user, new_hash)
    assert user.id is not None
    # This session goes on with the new version; every other one has ended.
    fresh = sessions.new_session(user.id, user.session_version, runtime_of(request).clock())
    return render(request, "password.html", fresh, user, error="", done=True)
