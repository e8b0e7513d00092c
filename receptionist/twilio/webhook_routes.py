"""Twilio's webhooks found with one dictionary lookup, ahead of the app's other routes.

The app has about ninety routes in some twenty routers. FastAPI finds a webhook's by
asking the included routers in turn, then runs its request handler (dependencies, then
the view); for a view that takes the request and returns a response, that handler adds
nothing. Under `bench.webhooks` (py-spy, concurrency 10) finding the route and running
FastAPI's handler took about 6 % of a webhook's CPU.

`WebhookRoutes` stands first in the app's routes. It answers a POST to one of the Twilio
router's paths whose view takes the request alone (all of them) with that view, the
way a plain Starlette route would: the same request, the same view, exceptions handled
by the app's own handlers (the middleware stack around the routes is unchanged).
Anything else (another method, another path, a view with parameters or dependencies)
goes on to the routes as before: the router keeps its routes, so a GET still gets its
405 and the OpenAPI document is the same.
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
            if isinstance(route, APIRoute) and route.methods == {"POST"} and _plain(route):
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


def _plain(route: APIRoute) -> bool:
    """A view that takes the request alone: no path, query, header, cookie or body
    parameter and no dependency for FastAPI to solve."""
    needs = route.dependant
    return not (needs.dependencies or needs.path_params or needs.query_params
                or needs.header_params or needs.cookie_params or needs.body_params)


def include_webhooks(app: FastAPI, router: APIRouter) -> None:
    """Include `router` in `app`, its webhooks also found first (see the module): unless
    the app or the router has dependencies of its own, which only FastAPI's routes
    run."""
    app.include_router(router)
    if not app.router.dependencies and not router.dependencies:
        app.router.routes.insert(0, WebhookRoutes(router))
