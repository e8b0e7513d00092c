"""Twilio's webhooks found first by path (twilio/webhook_routes.py): the same views, the
same refusals, everything else left to the app's routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.testclient import TestClient
from starlette.routing import Match

from receptionist.twilio.views import router as twilio_router
from receptionist.twilio.webhook_routes import WebhookRoutes, include_webhooks


def _toy() -> tuple[FastAPI, list[str]]:
    """An app with a webhook-like router, recording which view answered."""
    seen: list[str] = []
    router = APIRouter(prefix="/hooks")

    @router.post("/a")
    async def a(request: Request) -> Response:
        seen.append(f"a {request.url.path} {request.url.query} {(await request.body())!r}")
        return Response("A", media_type="application/xml")

    @router.post("/refused")
    async def refused(request: Request) -> Response:
        raise HTTPException(403, "no")

    @router.post("/item/{name}")
    async def item(name: str) -> Response:
        seen.append(f"item {name}")
        return Response(name)

    @router.get("/page")
    async def page() -> Response:
        seen.append("page")
        return Response("page")

    app = FastAPI()
    include_webhooks(app, router)
    return app, seen


def test_the_routes_are_the_routers_posts_without_parameters() -> None:
    routes = WebhookRoutes(twilio_router)
    assert "/twilio/voice" in routes.paths and "/twilio/menu" in routes.paths
    assert "/twilio/recorded" in routes.paths and "/twilio/fallback" in routes.paths
    assert not any("{" in path for path in routes.paths)  # prompts/{name}.wav: a GET
    assert routes.matches({"type": "http", "method": "POST", "path": "/twilio/voice",
                           "root_path": ""})[0] is Match.FULL
    for scope in ({"type": "http", "method": "GET", "path": "/twilio/voice"},
                  {"type": "http", "method": "POST", "path": "/twilio/voice/"},
                  {"type": "http", "method": "POST", "path": "/twilio/nowhere"},
                  {"type": "websocket", "path": "/twilio/voice"}):
        assert routes.matches({"root_path": "", **scope})[0] is Match.NONE


def test_a_webhook_is_answered_by_its_view_first() -> None:
    app, seen = _toy()
    assert isinstance(app.router.routes[0], WebhookRoutes)
    client = TestClient(app)
    answer = client.post("/hooks/a?x=1", content=b"k=v",
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert (answer.status_code, answer.text) == (200, "A")
    assert answer.headers["content-type"] == "application/xml"
    assert seen == ["a /hooks/a x=1 b'k=v'"]


def test_views_with_parameters_or_dependencies_are_left_to_fastapi() -> None:
    seen: list[str] = []

    def audit(request: Request) -> None:
        seen.append(f"audit {request.url.path}")

    router = APIRouter()

    @router.post("/query")
    async def query(step: int = 0) -> Response:
        return Response(str(step))

    @router.post("/guarded", dependencies=[Depends(audit)])
    async def guarded(request: Request) -> Response:
        return Response("guarded")

    assert WebhookRoutes(router).paths == frozenset()
    app = FastAPI()
    include_webhooks(app, router)
    client = TestClient(app)
    assert client.post("/query?step=3").text == "3"
    assert client.post("/guarded").text == "guarded" and seen == ["audit /guarded"]
    audited = FastAPI(dependencies=[Depends(audit)])  # the app's own: FastAPI's routes
    toy_router = APIRouter(prefix="/hooks")

    @toy_router.post("/a")
    async def a(request: Request) -> Response:
        return Response("A")

    include_webhooks(audited, toy_router)
    assert not any(isinstance(route, WebhookRoutes) for route in audited.router.routes)
    assert TestClient(audited).post("/hooks/a").text == "A"
    assert seen[-1] == "audit /hooks/a"


def test_refusals_and_other_routes_are_answered_as_before() -> None:
    app, seen = _toy()
    client = TestClient(app)
    refused = client.post("/hooks/refused")
    assert (refused.status_code, refused.json()) == (403, {"detail": "no"})
    wrong_method = client.get("/hooks/a")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert client.post("/hooks/item/x").text == "x"
    assert client.get("/hooks/page").text == "page"
    assert client.post("/hooks/nowhere").status_code == 404
    assert seen == ["item x", "page"]


def test_behind_a_root_path_the_path_under_it_is_looked_up() -> None:
    app, seen = _toy()
    first = app.router.routes[0]
    assert first.matches({"type": "http", "method": "POST", "path": "/rx/hooks/a",
                          "root_path": "/rx"})[0] is Match.FULL
    client = TestClient(app, root_path="/rx")
    assert client.post("/rx/hooks/a").text == "A"
    assert seen == ["a /rx/hooks/a  b''"]


def test_the_service_answers_twilio_through_them(client: TestClient) -> None:
    """The service's app finds its webhooks first; the OpenAPI document still lists them."""
    app = client.app
    assert isinstance(app, FastAPI) and isinstance(app.router.routes[0], WebhookRoutes)
    assert "/twilio/voice" in app.openapi()["paths"]
    assert client.get("/twilio/voice").status_code == 405
    assert client.post("/twilio/voice").status_code == 415  # the view's own refusal
