"""The admin UI (server-rendered, Jinja2): login, an owner's messages and calls.

Every page under /admin/t/{slug}/ checks that the logged-in user may see that business;
any other slug (or an id belonging to another business) is a 404, as for something that
does not exist. Every form carries the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import or_, select
from sqlmodel import Session, col

from receptionist.admin import sessions
from receptionist.admin.texts import translator
from receptionist.calls.models import Call, CallEvent
from receptionist.clock import SaneDate
from receptionist.db import RowId, SessionDep
from receptionist.messages.models import Message
from receptionist.runtime import Runtime
from receptionist.tenants.models import Tenant
from receptionist.users import login_throttle as throttle
from receptionist.users import service as users
from receptionist.users.models import User


def _admin_ui() -> Path:
    """admin_ui/ (DESIGN §2: beside the package): in the checkout for an editable
    install, or in the working directory (the Docker image copies it to /app)."""
    for candidate in (Path(__file__).resolve().parents[2] / "admin_ui",
                      Path.cwd() / "admin_ui"):
        if (candidate / "templates").is_dir():
            return candidate
    raise RuntimeError("admin_ui/ (templates and static files) not found next to the "
                       "package or in the working directory")


ADMIN_UI = _admin_ui()
templates = Jinja2Templates(directory=str(ADMIN_UI / "templates"))
templates.env.filters["fromjson"] = json.loads
router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = 25
log = logging.getLogger(__name__)


class LoginRequired(Exception):
    """Raised by pages when nobody (valid) is logged in: answered by a redirect."""


def _rt(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def _session_data(request: Request) -> sessions.SessionData | None:
    rt = _rt(request)
    return sessions.decode(rt.settings.secret_key, request.cookies.get(sessions.COOKIE),
                           rt.clock())


def _user(request: Request, db: Session) -> tuple[User, sessions.SessionData]:
    data = _session_data(request)
    if data is None or data.user_id is None:
        raise LoginRequired
    user = db.get(User, data.user_id)
    if user is None or user.session_version != data.version:
        raise LoginRequired
    return user, data


def _tenant(db: Session, user: User, slug: str) -> Tenant:
    tenant = users.tenant_for(db, user, slug)
    if tenant is None:
        raise HTTPException(404, "no such page")
    return tenant


def _set_cookie(request: Request, response: Response, data: sessions.SessionData) -> None:
    rt = _rt(request)
    refreshed = sessions.SessionData(user_id=data.user_id, version=data.version,
                                     csrf=data.csrf, expires=rt.clock() + sessions.IDLE)
    response.set_cookie(sessions.COOKIE, sessions.encode(rt.settings.secret_key, refreshed),
                        max_age=int(sessions.IDLE.total_seconds()), httponly=True,
                        samesite="lax", path="/admin",
                        # https as the browser sees it (behind a TLS proxy, uvicorn's
                        # proxy headers make the scheme https).
                        secure=request.url.scheme == "https")


def _page(request: Request, name: str, data: sessions.SessionData, user: User | None,
          **context: Any) -> Response:
    language = user.language if user is not None else "en"
    response = templates.TemplateResponse(request, name, {
        "t": translator(language), "lang": language, "user": user, "csrf": data.csrf,
        **context})
    _set_cookie(request, response, data)
    _security_headers(response)
    return response


def _security_headers(response: Response) -> None:
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'")


def _notice_mac(request: Request, notice: str) -> str:
    key = hashlib.sha256(b"receptionist/admin-notice/v1\0"
                         + _rt(request).settings.secret_key.encode()).digest()
    return hmac.new(key, notice.encode(), hashlib.sha256).hexdigest()[:32]


def redirect_with_notice(request: Request, path: str, notice: str,
                         **query: str) -> RedirectResponse:
    """303 to `path`, where the page shows `notice`: signed, so that a link made elsewhere
    cannot put its own words on our pages."""
    params = {**query, "notice": notice, "n": _notice_mac(request, notice)}
    return RedirectResponse(f"{path}?{urlencode(params)}", status_code=303)


def signed_notice(request: Request, notice: Annotated[str, Query(max_length=300)] = "",
                  n: Annotated[str, Query(max_length=64)] = "") -> str:
    """The page's notice if this server wrote it, else nothing."""
    return notice if notice and hmac.compare_digest(_notice_mac(request, notice), n) else ""


Notice = Annotated[str, Depends(signed_notice)]


def _check_csrf(data: sessions.SessionData | None, token: str | None) -> None:
    if not sessions.csrf_ok(data, token):
        raise HTTPException(403, "the form expired or did not come from this site: "
                                 "reload the page and try again")


@router.get("/login")
def login_page(request: Request) -> Response:
    data = _session_data(request) or sessions.new_session(None, 0, _rt(request).clock())
    return _page(request, "login.html", data, None, error="")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


@router.post("/login")
def login(request: Request, db: SessionDep, email: Annotated[str, Form(max_length=320)],
          password: Annotated[str, Form(max_length=500)],
          csrf: Annotated[str, Form(max_length=100)]) -> Response:
    rt = _rt(request)
    data = _session_data(request)
    _check_csrf(data, csrf)
    address = request.client.host if request.client else "?"
    now = rt.clock()
    wait = throttle.wait_before_next(db, address=address, email=email, now=now)
    whole_address = throttle.blocked(db, address, now)
    if whole_address or wait:
        log.warning("login slowed down: address %s, account %s…, wait %s", address,
                    throttle.account_key(email)[:12], "window" if whole_address else wait)
        seconds = (math.ceil(throttle.WINDOW.total_seconds()) if whole_address
                   else max(1, math.ceil(wait.total_seconds())))
        who = " from your address" if whole_address else ""
        response = _page(request, "login.html", sessions.new_session(None, 0, now), None,
                         error=f"too many failed logins{who}: try again in "
                               f"{_duration(seconds)}")
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response
    with rt.writing():
        user, reason = users.authenticate(db, email=email, password=password)
        if user is None:
            throttle.failed(db, address, now, email=email)
            log.info("failed login from %s", address)
        db.commit()
    if user is None:
        fresh = sessions.new_session(None, 0, rt.clock())
        response = _page(request, "login.html", fresh, None, error=reason)
        response.status_code = 401
        return response
    assert user.id is not None
    response = RedirectResponse("/admin", status_code=303)
    # A new session (and CSRF token) at login: nothing from before carries over.
    _set_cookie(request, response, sessions.new_session(user.id, user.session_version,
                                                        rt.clock()))
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep,
           csrf: Annotated[str, Form(max_length=100)]) -> Response:
    user, data = _user(request, db)
    _check_csrf(data, csrf)
    # The cookie is signed, not stored: a copy of it must stop working too, so the
    # user's session version moves on (this logs out their other devices as well).
    with _rt(request).writing():
        user.session_version += 1
        db.add(user)
        db.commit()
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/admin")
    return response


@router.get("")
def home(request: Request, db: SessionDep) -> Response:
    user, _ = _user(request, db)
    mine = users.tenants_of(db, user)
    if user.role == "owner" and mine:
        return RedirectResponse(f"/admin/t/{mine[0].slug}/inbox", status_code=303)
    return RedirectResponse("/admin/tenants", status_code=303)


@router.get("/tenants")
def tenant_list(request: Request, db: SessionDep) -> Response:
    user, data = _user(request, db)
    return _page(request, "tenants.html", data, user, tenants=users.tenants_of(db, user),
                 error="")


def _local_day(day: date | None, tz: ZoneInfo, *, end: bool) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), tz)


@router.get("/t/{slug}/inbox")
def inbox(request: Request, db: SessionDep, slug: str,
          status: Annotated[str, Query(pattern="^(new|handled|all)$")] = "new",
          q: Annotated[str, Query(max_length=100)] = "",
          since: SaneDate | None = Query(default=None, alias="from"),
          until: SaneDate | None = Query(default=None, alias="to"),
          page: Annotated[int, Query(ge=0, le=100_000)] = 0) -> Response:
    user, data = _user(request, db)
    tenant = _tenant(db, user, slug)
    tz = ZoneInfo(tenant.timezone)
    query = select(Message).where(col(Message.tenant_id) == tenant.id)
    if status != "all":
        query = query.where(col(Message.handled).is_(status == "handled"))
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(col(Message.caller).like(like),
                                col(Message.transcript).like(like)))
    if (start := _local_day(since, tz, end=False)) is not None:
        query = query.where(col(Message.created_at) >= start)
    if (stop := _local_day(until, tz, end=True)) is not None:
        query = query.where(col(Message.created_at) < stop)
    rows = list(db.execute(query.order_by(col(Message.created_at).desc(),
                                          col(Message.id).desc())
                           .limit(PAGE + 1).offset(page * PAGE)).scalars())
    return _page(request, "inbox.html", data, user, tenant=tenant, messages=rows[:PAGE],
                 more=len(rows) > PAGE, page=page, status=status, q=q, since=since or "",
                 until=until or "", tz=tz, section="inbox")


def _message(db: Session, tenant: Tenant, message_id: int) -> Message:
    message = db.get(Message, message_id)
    if message is None or message.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    return message


@router.get("/t/{slug}/messages/{message_id}/audio")
def message_audio(request: Request, db: SessionDep, slug: str, message_id: RowId) -> Response:
    user, _ = _user(request, db)
    message = _message(db, _tenant(db, user, slug), message_id)
    if not message.audio_path or not Path(message.audio_path).is_file():
        raise HTTPException(404, "recording not downloaded yet")
    return FileResponse(message.audio_path, media_type="audio/wav",
                        headers={"Cache-Control": "private, max-age=3600"})


@router.post("/t/{slug}/messages/{message_id}/handled")
def mark_handled(request: Request, db: SessionDep, slug: str, message_id: RowId,
                 csrf: Annotated[str, Form(max_length=100)],
                 handled: Annotated[bool, Form()] = True) -> Response:
    user, data = _user(request, db)
    _check_csrf(data, csrf)
    message = _message(db, _tenant(db, user, slug), message_id)
    with _rt(request).writing():
        message.handled = handled
        db.add(message)
        db.commit()
    return RedirectResponse(f"/admin/t/{slug}/inbox", status_code=303)


@router.get("/t/{slug}/calls")
def call_log(request: Request, db: SessionDep, slug: str,
             page: Annotated[int, Query(ge=0, le=100_000)] = 0) -> Response:
    user, data = _user(request, db)
    tenant = _tenant(db, user, slug)
    rows = list(db.execute(select(Call).where(col(Call.tenant_id) == tenant.id)
                           .order_by(col(Call.started_at).desc(), col(Call.id).desc())
                           .limit(PAGE + 1).offset(page * PAGE)).scalars())
    return _page(request, "calls.html", data, user, tenant=tenant, calls=rows[:PAGE],
                 more=len(rows) > PAGE, page=page,
                 tz=ZoneInfo(tenant.timezone), section="calls")


@router.get("/t/{slug}/calls/{call_sid}")
def call_detail(request: Request, db: SessionDep, slug: str, call_sid: str) -> Response:
    user, data = _user(request, db)
    tenant = _tenant(db, user, slug)
    call = db.execute(select(Call).where(col(Call.call_sid) == call_sid)).scalar()
    if call is None or call.tenant_id != tenant.id:
        raise HTTPException(404, "no such page")
    events = list(db.execute(select(CallEvent).where(col(CallEvent.call_id) == call.id)
                             .order_by(col(CallEvent.id))).scalars())
    messages = list(db.execute(select(Message).where(col(Message.call_id) == call.id))
                    .scalars())
    return _page(request, "call.html", data, user, tenant=tenant, call=call, events=events,
                 messages=messages, tz=ZoneInfo(tenant.timezone), section="calls")


@router.get("/password")
def password_page(request: Request, db: SessionDep) -> Response:
    user, data = _user(request, db)
    return _page(request, "password.html", data, user, error="", done=False)


@router.post("/password")
def change_password(request: Request, db: SessionDep,
                    current: Annotated[str, Form(max_length=500)],
                    new: Annotated[str, Form(max_length=500)],
                    csrf: Annotated[str, Form(max_length=100)]) -> Response:
    user, data = _user(request, db)
    _check_csrf(data, csrf)
    try:
        with _rt(request).writing():
            users.change_password(db, user, current=current, new=new)
            db.commit()
    except users.AccountError as exc:
        response = _page(request, "password.html", data, user, error=str(exc), done=False)
        response.status_code = 400
        return response
    assert user.id is not None
    # This session goes on with the new version; every other one has ended.
    fresh = sessions.new_session(user.id, user.session_version, _rt(request).clock())
    return _page(request, "password.html", fresh, user, error="", done=True)
