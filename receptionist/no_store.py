"""`Cache-Control: no-store` on every answer that may carry a business's data: the admin
UI (pages, redirects, CSV exports, recordings, the login page, refusals) and the JSON API.
Neither a shared proxy nor the browser's disk cache keeps a copy of calls, messages or
callers' numbers, which would outlive the session that fetched them.

One ASGI middleware outside every other (the request guards' own refusals included), so
that no view can forget it: the header replaces whatever a view set. The admin's static
files (CSS) hold no data and stay cacheable; Twilio's routes and the ICS feed choose their
own caching."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = (b"cache-control", b"no-store")


def is_private(path: str) -> bool:
    """Whether answers to `path` may hold tenant data (admin UI but its static files, API)."""
    if path == "/admin" or path.startswith("/admin/"):
        return not path.startswith("/admin/static/")
    return path.startswith("/api/")


class NoStore:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_private(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", [])
                           if name.lower() != NO_STORE[0]]
                message = {**message, "headers": [*headers, NO_STORE]}
            await send(message)

        await self.app(scope, receive, marked)
