"""FastAPI app factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from receptionist import __version__
from receptionist.admin.agenda import router as admin_agenda_router
from receptionist.admin.appointment_pages import router as admin_appointment_pages_router
from receptionist.admin.call_pages import router as admin_call_pages_router
from receptionist.admin.contacts import router as admin_contacts_router
from receptionist.admin.dashboard import router as admin_dashboard_router
from receptionist.admin.deps import ADMIN_UI, LoginRequired
from receptionist.admin.dev_outbox import router as admin_dev_outbox_router
from receptionist.admin.error_pages import add_admin_error_pages
from receptionist.admin.exports import router as admin_exports_router
from receptionist.admin.scripts import router as admin_scripts_router
from receptionist.admin.settings import router as admin_settings_router
from receptionist.admin.tenants import router as admin_tenants_router
from receptionist.admin.views import router as admin_router
from receptionist.api.errors import add_error_handlers
from receptionist.api.ics import router as ics_router
from receptionist.api.views import router as api_router
from receptionist.clock import Clock, utcnow
from receptionist.config import Settings, get_settings
from receptionist.no_store import NoStore
from receptionist.request_guards import RequestGuards
from receptionist.runtime import Runtime
from receptionist.twilio import dev_twilio, rest, spool
from receptionist.twilio.app import unexpected_error
from receptionist.twilio.conversation import router as conversation_router
from receptionist.twilio.media import router as media_router
from receptionist.twilio.views import router as twilio_router
from receptionist.twilio.webhook_routes import include_webhooks
from receptionist.wal_checkpoints import Checkpoints, checkpointed
from receptionist.warm_up import WarmUp

log = logging.getLogger(__name__)


async def drain_spool_forever(rt: Runtime) -> None:
    """Import the messages the fallback flow spooled to this instance's disk, as soon as
    the database answers again (each web instance drains its own spool)."""
    while True:
        if spool.pending(rt.settings.spool_dir):
            try:
                await run_in_threadpool(spool.import_spool, rt.database,
                                        rt.settings.spool_dir, now=rt.clock())
            except Exception as exc:  # database still down: next round
                log.warning("fallback spool not imported yet: %s", exc)
        await asyncio.sleep(rt.settings.spool_drain_seconds)


def create_app(settings: Settings | None = None, *, clock: Clock = utcnow,
               runtime: Runtime | None = None, warm_up: WarmUp | None = None) -> FastAPI:
    """Build the app. Nothing touches the database here: `receptionist migrate` does.
    `warm_up`: what to load before /readyz says ready, started with the app (`serve` gives
    `warm_up.for_runtime`; None: nothing, ready at once, as tests and embedders want)."""
    settings = settings or get_settings()
    settings.check_secrets()
    rt = rest.plug(runtime or Runtime.from_settings(settings, clock=clock))
    warm = warm_up or WarmUp()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        database = rt.database
        checkpoints = (Checkpoints(database.engine, (database.engine, database.call_engine))
                       if checkpointed(database.engine) else None)
        if checkpoints is not None:  # SQLite: no webhook waits for a checkpoint
            checkpoints.start()
            database.renew_call_connection()  # opened again with the safety net
        database.start_threads()  # before the first calls, not during their burst
        warm.start()  # in its own threads: the event loop (and /healthz) answer meanwhile
        drain = asyncio.create_task(drain_spool_forever(rt))
        try:
            yield
        finally:
            drain.cancel()
            warm.stop()  # a part still loading fails as its resources close: not a fault
            if checkpoints is not None:
                checkpoints.stop()
            rt.close()  # recognition processes, HTTP clients
            database.stop_threads()

    docs = settings.docs_enabled
    app = FastAPI(title="receptionist", version=__version__, lifespan=lifespan,
                  docs_url="/docs" if docs else None, redoc_url="/redoc" if docs else None,
                  description="Self-hosted virtual receptionist: Twilio webhooks and API.")
    app.add_middleware(RequestGuards, runtime=rt)
    app.add_middleware(NoStore)  # added last: outside the guards, so their refusals too
    app.state.runtime = rt
    app.state.database = rt.database  # web_deps.get_db
    include_webhooks(app, twilio_router)
    app.include_router(media_router)
    app.include_router(conversation_router)
    if settings.dev_mode:  # the stand-in for Twilio's REST API: never in production
        app.include_router(dev_twilio.router)
    app.include_router(api_router)
    add_error_handlers(app)
    app.include_router(ics_router)
    app.include_router(admin_router)
    app.include_router(admin_call_pages_router)
    app.include_router(admin_scripts_router)
    app.include_router(admin_agenda_router)
    app.include_router(admin_dashboard_router)
    app.include_router(admin_settings_router)
    app.include_router(admin_tenants_router)
    app.include_router(admin_contacts_router)
    app.include_router(admin_exports_router)
    app.include_router(admin_appointment_pages_router)
    if settings.dev_mode:  # what would have been sent: never in production
        app.include_router(admin_dev_outbox_router)
    app.mount("/admin/static", StaticFiles(directory=ADMIN_UI / "static"), name="admin-static")

    @app.exception_handler(LoginRequired)
    async def _login_first(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/admin/login", status_code=303)

    def _database_answers() -> None:
        with rt.database.call_engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> JSONResponse:
        """On the call path's own connections and threads: a burst of admin requests
        (plain functions, in anyio's thread pool) never makes the service look dead."""
        try:
            await rt.database.run(_database_answers, urgent=True)
        except SQLAlchemyError as exc:
            log.error("health check: database unreachable: %s", exc)
            return JSONResponse({"status": "error", "detail": "database unreachable"}, 503)
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", tags=["ops"])
    async def readyz() -> JSONResponse:
        """Readiness: 200 once the warm-up has finished (the speech and intent models
        loaded, or their failure reported in `failed`) and the database answers; 503
        before. A proxy or orchestrator sends calls only to a ready process."""
        try:
            await rt.database.run(_database_answers, urgent=True)
        except SQLAlchemyError as exc:
            log.error("readiness check: database unreachable: %s", exc)
            return JSONResponse({"status": "error", "detail": "database unreachable",
                                 **warm.report()}, 503)
        ready = warm.ready  # read first: once it is set, the report is complete
        report = warm.report()
        if not ready:
            return JSONResponse({"status": "starting", **report}, 503)
        return JSONResponse({"status": "ready", **report})

    add_admin_error_pages(app, unexpected_error)
    return app
