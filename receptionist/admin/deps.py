"""What every admin page depends on: the runtime, who is signed in, which business they
may see, the CSRF check, rendering a page with the session cookie refreshed, and signed
notices. Pages declare them as FastAPI dependencies (`CurrentUser`, `OwnedTenant`,
`CsrfChecked`) or call the functions."""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NamedTuple
from urllib.parse import urlencode

from fastapi import Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from receptionist.admin import sessions
from receptionist.admin.texts import plural_translator, translator
from receptionist.appointments import agendas
from receptionist.appointments.models import Agenda
from receptionist.catalog_text import CatalogText, decode, in_language
from receptionist.i18n import (
    FALLBACK,
    LANGUAGES,
    SPOKEN_LOCALES,
    format_moment,
    lang_key,
    language_name,
)
from receptionist.tenants.models import Tenant
from receptionist.users import service as users
from receptionist.users.models import User
from receptionist.web_deps import SessionDep, runtime_of


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


# What a page says a form did, or why it refused: a catalog text (shown in the user's
# language), or a text that came from elsewhere (shown as it came).
Shown = CatalogText | str


class LoginRequired(Exception):
    """Raised by pages when nobody (valid) is logged in: answered by a redirect."""


def session_data(request: Request) -> sessions.SessionData | None:
    rt = runtime_of(request)
    return sessions.decode(rt.settings.secret_key, request.cookies.get(sessions.COOKIE),
                           rt.clock())


def signed_in(request: Request, db: Session) -> tuple[User, sessions.SessionData]:
    data = session_data(request)
    if data is None or data.user_id is None:
        raise LoginRequired
    user = db.get(User, data.user_id)
    if user is None or user.session_version != data.version:
        raise LoginRequired
    return user, data


def owned_tenant(db: Session, user: User, slug: str) -> Tenant:
    tenant = users.tenant_for(db, user, slug)
    if tenant is None:
        raise HTTPException(404, "no such page")
    return tenant


def set_cookie(request: Request, response: Response, data: sessions.SessionData) -> None:
    rt = runtime_of(request)
    refreshed = sessions.SessionData(user_id=data.user_id, version=data.version,
                                     csrf=data.csrf, expires=rt.clock() + sessions.IDLE)
    response.set_cookie(sessions.COOKIE, sessions.encode(rt.settings.secret_key, refreshed),
                        max_age=int(sessions.IDLE.total_seconds()), httponly=True,
                        samesite="lax", path="/admin",
                        # https as the browser sees it (behind a TLS proxy, uvicorn's
                        # proxy headers make the scheme https).
                        secure=request.url.scheme == "https")


def render(request: Request, name: str, data: sessions.SessionData, user: User | None,
          *, language: str | None = None, **context: Any) -> Response:
    """The page `name` in `language` (default: the user's, else the fallback)."""
    if language is None:
        language = user.language if user is not None else FALLBACK
    # What a form did or why it refused; a confirmation's words.
    for said in ("error", "notice", "test_error", "question", "detail", "button",
                 "back_label"):
        if isinstance(context.get(said), CatalogText | str):
            context[said] = in_language(context[said], language)
    for listed in ("problems", "warnings"):  # a script's problems, each a catalog text
        if isinstance(context.get(listed), list):
            context[listed] = [in_language(p, language) for p in context[listed]]
    response = templates.TemplateResponse(request, name, {
        "t": translator(language), "nt": plural_translator(language),
        "date_text": partial(format_moment, language),
        "lang": language, "languages": _other_languages(lang_key(language)),
        "spoken_locales": SPOKEN_LOCALES, "user": user, "csrf": data.csrf,
        "dev_mode": runtime_of(request).settings.dev_mode,
        **context})
    set_cookie(request, response, data)
    security_headers(response)
    return response


def _other_languages(lang: str) -> list[tuple[str, str]]:
    """(code, name in itself) of each language the page can switch to."""
    return [(code, language_name(code)) for code in LANGUAGES if code != lang]


def security_headers(response: Response) -> None:
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'")


def notice_mac(request: Request, notice: str) -> str:
    key = hashlib.sha256(b"receptionist/admin-notice/v1\0"
                         + runtime_of(request).settings.secret_key.encode()).digest()
    return hmac.new(key, notice.encode(), hashlib.sha256).hexdigest()[:32]


def redirect_with_notice(request: Request, path: str, notice: CatalogText,
                         **query: str) -> RedirectResponse:
    """303 to `path`, where the page shows `notice` (its message id and fields, shown in
    the reader's language): signed, so that a link made elsewhere cannot put its own
    words on our pages."""
    encoded = notice.encode()
    params = {**query, "notice": encoded, "n": notice_mac(request, encoded)}
    return RedirectResponse(f"{path}?{urlencode(params)}", status_code=303)


def signed_notice(request: Request, notice: Annotated[str, Query(max_length=300)] = "",
                  n: Annotated[str, Query(max_length=64)] = "") -> Shown:
    """The page's notice if this server wrote it, else nothing."""
    if notice and hmac.compare_digest(notice_mac(request, notice), n):
        return decode(notice)
    return ""


Notice = Annotated[Shown, Depends(signed_notice)]


def check_csrf(data: sessions.SessionData | None, token: str | None) -> None:
    if not sessions.csrf_ok(data, token):
        raise HTTPException(403, "the form expired or did not come from this site: "
                                 "reload the page and try again")


class SignedIn(NamedTuple):
    user: User
    data: sessions.SessionData


def current_user(request: Request, db: SessionDep) -> SignedIn:
    """The signed-in account (else LoginRequired: a redirect to the login page)."""
    return SignedIn(*signed_in(request, db))


CurrentUser = Annotated[SignedIn, Depends(current_user)]


def csrf_checked(signed: CurrentUser, csrf: Annotated[str, Form(max_length=100)]) -> SignedIn:
    """The signed-in account, once the form's CSRF token matched its session (else 403)."""
    check_csrf(signed.data, csrf)
    return signed


CsrfChecked = Annotated[SignedIn, Depends(csrf_checked)]


def tenant_of_page(signed: CurrentUser, db: SessionDep, slug: str) -> Tenant:
    """The business named by the page's `{slug}`, if the account may see it (else 404)."""
    return owned_tenant(db, signed.user, slug)


OwnedTenant = Annotated[Tenant, Depends(tenant_of_page)]


def agenda_of(db: Session, tenant: Tenant, slug: str) -> Agenda:
    """The business's agenda `slug`, or the 404 of any unknown page."""
    assert tenant.id is not None
    agenda = agendas.get_agenda(db, tenant_id=tenant.id, slug=slug)
    if agenda is None:
        raise HTTPException(404, "no such page")
    return agenda
