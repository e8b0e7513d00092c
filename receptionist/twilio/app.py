"""An app that answers Twilio's webhooks and media streams only: the admin's trial call
runs a draft script through it, in a sandbox, without the rest of the service."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from receptionist.runtime import Runtime
from receptionist.twilio.conversation import router as conversation_router
from receptionist.twilio.media import router as media_router
from receptionist.twilio.views import router as twilio_router
from receptionist.twilio.webhook_routes import include_webhooks

log = logging.getLogger(__name__)


def create_call_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.state.database = runtime.database  # web_deps.get_db
    include_webhooks(app, twilio_router)
    app.include_router(media_router)
    app.include_router(conversation_router)
    app.add_exception_handler(Exception, unexpected_error)
    return app


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """The last net: a 500 without a traceback. Twilio routes turn their own failures into
    spoken apologies; nothing else ever answers with a bare traceback."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error"}, status_code=500)
