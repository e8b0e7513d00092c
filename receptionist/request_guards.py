"""Refusals made before a request's body is read: who is asking, then how much they send.

One ASGI middleware in front of every route (Twilio, JSON API, admin UI, ICS):
- `/api/…` needs a known bearer token (read with its business, then kept a few seconds:
  `tenants/token_cache.py`) and `POST /admin/…` (but the login form) a valid
  signed session cookie, checked on the headers alone: an anonymous client never gets a
  body parsed (401 / a redirect to the login page);
- every body is limited to MAX_BODY_BYTES: a larger Content-Length is refused at once, and
  a body sent without one (chunked) is counted while it streams and cut off at the limit
  (413). Nothing is buffered beyond the limit;
- a NUL character anywhere (path, query, form or JSON body) is refused (400): no field of
  ours may hold one, and PostgreSQL cannot store one;
- a client that hangs up in the middle of its body (starlette's ClientDisconnect) is a
  DEBUG line: nothing went wrong here and there is nobody to answer (it was an ERROR with
  a traceback, twice, that anyone could repeat to flood the error log).
"""

from __future__ import annotations

import logging
from functools import partial

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, cookie_parser
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from receptionist.admin import sessions
from receptionist.api import auth
from receptionist.runtime import Runtime
from receptionist.tenants.tokens import TokenGrant, find_token

log = logging.getLogger(__name__)
_ANONYMOUS_POSTS = frozenset({"/admin/login"})


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        # Connection: close, so the server drops the rest instead of reading it away.
        super().__init__(413, f"request body larger than {limit} bytes",
                         headers={"Connection": "close"})


class NulCharacter(HTTPException):
    def __init__(self) -> None:
        super().__init__(400, "NUL characters are not allowed in requests",
                         headers={"Connection": "close"})


def _has_nul(data: bytes) -> bool:
    """A NUL as it travels: raw, urlencoded, or escaped in JSON (`\\u0000`, and
    `\\U0000` too: the letter in either case). Written out rather than searched for in a
    lowered copy of the body: this runs on every request's body (about 1 % of a
    webhook's CPU the other way)."""
    return (b"\x00" in data or b"%00" in data or b"\\u0000" in data
            or b"\\U0000" in data)


class RequestGuards:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.rt = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if "\x00" in scope["path"] or _has_nul(scope.get("query_string", b"")):
            await _json(400, "NUL characters are not allowed in requests")(scope, receive, send)
            return
        refusal = await self._refusal(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit = self.rt.settings.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _json(413, f"request body larger than {limit} bytes")(scope, receive, send)
            return
        received = 0
        tail = b""  # the end of the previous chunk: a NUL's escape may be split

        async def counted() -> Message:
            nonlocal received, tail
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                received += len(body)
                if received > limit:
                    raise BodyTooLarge(limit)
                if _has_nul(tail + body):
                    raise NulCharacter
                tail = body[-5:]
            return message

        try:
            await self.app(scope, counted, send)
        except ClientDisconnect:
            log.debug("client left during its request body: %s %s", scope["method"],
                      scope["path"])

    async def _refusal(self, scope: Scope, headers: Headers) -> Response | None:
        path: str = scope["path"]
        if path.startswith("/api/"):
            header = headers.get("authorization", "")
            token = self.rt.api_tokens.get(header)
            if token is None:
                token = await self.rt.database.run(partial(self._token, header))
                if token is not None:
                    self.rt.api_tokens.put(header, token)
            if token is None:
                return _json(401, "missing, unknown or revoked bearer token "
                             "(Authorization: Bearer <token>)", {"WWW-Authenticate": "Bearer"})
            scope.setdefault("state", {})[auth.STATE_KEY] = token
        elif (scope["method"] == "POST" and path.startswith("/admin/")
              and path not in _ANONYMOUS_POSTS and not self._signed_in(headers)):
            return RedirectResponse("/admin/login", status_code=303,
                                    headers={"Connection": "close"})
        return None

    def _token(self, header: str) -> TokenGrant | None:
        with self.rt.database.read_session() as session:
            return find_token(session, header)

    def _signed_in(self, headers: Headers) -> bool:
        value = cookie_parser(headers.get("cookie", "")).get(sessions.COOKIE)
        data = sessions.decode(self.rt.settings.secret_key, value, self.rt.clock())
        return data is not None and data.user_id is not None


def _json(status: int, detail: str, extra: dict[str, str] | None = None) -> Response:
    return JSONResponse({"detail": detail}, status_code=status,
                        headers={"Connection": "close", **(extra or {})})
