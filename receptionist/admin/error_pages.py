"""Errors under /admin as pages: a person reached them in a browser, so a missing page, a
refused form or a failure answers in the admin's style and the reader's language (what
happened, and a way back), never `{"detail": …}`. Every other route (the JSON API, Twilio's
webhooks, health checks) keeps its JSON answers (DESIGN §5).

The reader's language is their account's when someone is signed in, else the browser's
preferred one among the admin's languages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from receptionist.admin import sessions
from receptionist.admin.deps import LoginRequired, render, session_data, signed_in
from receptionist.i18n import FALLBACK, LANGUAGES, N_
from receptionist.users.models import User
from receptionist.web_deps import runtime_of

log = logging.getLogger(__name__)

# The title and explanation of each status a person may meet (others: the generic one).
PAGES = {
    403: (N_("admin.error.forbidden"), N_("admin.error.forbidden_text")),
    404: (N_("admin.error.not_found"), N_("admin.error.not_found_text")),
    405: (N_("admin.error.not_found"), N_("admin.error.not_found_text")),
    422: (N_("admin.error.invalid"), N_("admin.error.invalid_text")),
    500: (N_("admin.error.failed"), N_("admin.error.failed_text")),
}
OTHER = (N_("admin.error.other"), N_("admin.error.other_text"))
# The statuses whose reason tells the reader what to change (a NUL character, a body too
# large…); a missing page or a failure says nothing more than its page does.
SAID = frozenset({400, 413, 422})


def is_admin_page(request: Request) -> bool:
    path = request.url.path
    return path == "/admin" or (path.startswith("/admin/")
                                and not path.startswith("/admin/static/"))


def preferred_language(accept_language: str) -> str:
    """The first of the browser's languages (`Accept-Language`, by weight) that the admin
    speaks, else the fallback."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-weight, index, tag.strip().lower().partition("-")[0]))
    for _, _, language in sorted(ranked):
        if language in LANGUAGES:
            return language
    return FALLBACK


def error_page(request: Request, status: int, details: str = "") -> Response:
    """The page of `status` for whoever is reading (signed in or not); `details`: the
    server's own words on a refused request (shown folded, as they came)."""
    rt = runtime_of(request)
    user: User | None = None
    data = session_data(request)
    try:
        with rt.database.session() as db:
            user, data = signed_in(request, db)
            db.expunge(user)
    except LoginRequired:
        pass
    except Exception:  # the database itself may be what failed: the page still answers
        log.warning("error page of %s without its reader", request.url.path, exc_info=True)
    if data is None:
        data = sessions.new_session(None, 0, rt.clock())
    title, text = PAGES.get(status, OTHER)
    language = user.language if user is not None else preferred_language(
        request.headers.get("accept-language", ""))
    response = render(request, "error.html", data, user, language=language, status=status,
                      title_id=title, text_id=text, details=details)
    response.status_code = status
    return response


Handler = Callable[[Request, Exception], Awaitable[Response]]


def add_admin_error_pages(app: FastAPI, unexpected: Handler) -> None:
    """HTTP errors, refused requests and failures under /admin as pages; elsewhere the
    handlers FastAPI (and `unexpected`, for failures) would have used."""

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not is_admin_page(request):
            return await http_exception_handler(request, exc)
        said = exc.detail if isinstance(exc.detail, str) and exc.status_code in SAID else ""
        response = error_page(request, exc.status_code, said)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not is_admin_page(request):
            return await request_validation_exception_handler(request, exc)
        errors = exc.errors()
        log.info("refused request to %s: %s", request.url.path, errors[:5])
        return error_page(request, 422, "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: "
            f"{str(e.get('msg', '')).removeprefix('Value error, ')}" for e in errors[:5]))

    async def failure(request: Request, exc: Exception) -> Response:
        if not is_admin_page(request):
            return await unexpected(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_page(request, 500)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(Exception, failure)
