"""Twilio's webhooks found with one dictionary lookup, ahead of the app's other routes.

The app has about two hundred routes. FastAPI finds a webhook's by asking each included
router in turn, then runs its request handler (dependencies, then the view); for a view
that takes the request and returns a response, that handler adds nothing. Under
`bench.webhooks` (py-spy, concurrency 10) finding the route and running FastAPI's
handler took about 6 % of a webhook's CPU. `WebhookRoutes` stands first in the app's
routes and answers a POST to one of the Twilio router's paths with its view, the way a
plain Starlette route would: the same request, the same view, exceptions handled by the
app's own handlers (the middleware stack around the routes is unchanged). Anything else
(another method, another path) goes on to the routes as before: the router keeps its
routes, so a GET still gets its 405 and the OpenAPI document is the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette._utils import get_route_path  # how the routes read a path (root_path)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

View = Callable[[Request], Awaitable[Response]]


class WebhookRoutes(BaseRoute):
    """A router's POST routes without path parameters, by path (see the module)."""

    def __init__(self, router: APIRouter) -> None:
        self._routes: dict[str, tuple[ASGIApp, APIRoute]] = {}
        for route in router.routes:
            if (isinstance(route, APIRoute) and route.methods == {"POST"}
                    and not route.param_convertors):
                view: View = route.endpoint
                self._routes[route.path] = (request_response(view), route)

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(self._routes)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["method"] == "POST":
            found = self._routes.get(get_route_path(scope))
            if found is not None:
                route = found[1]
                return Match.FULL, {"endpoint": route.endpoint, "route": route,
                                    "path_params": {}}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        app, _ = self._routes[get_route_path(scope)]
        await app(scope, receive, send)


def include_webhooks(app: FastAPI, router: APIRouter) -> None:
    """Include `router` in `app`, its webhooks also found first (see the module)."""
    app.include_router(router)
    app.router.routes.insert(0, WebhookRoutes(router))
