"""`receptionist migrate | seed-demo | serve | worker`: the database and the running
processes."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import fail, open_database

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from receptionist.config import Settings
    from receptionist.db import Database
    from receptionist.runtime import Runtime
    from receptionist.warm_up import WarmUp

# The demo's history waits this long at most for the server to be ready.
HISTORY_WAITS_S = 120.0


def _setup_logging(settings: Settings) -> None:
    from receptionist.log_format import configure

    configure(settings.log_level, settings.log_format)


def _check_secrets(settings: Settings) -> None:
    from receptionist.config import InsecureSettingsError

    try:
        settings.check_secrets()
    except InsecureSettingsError as exc:
        raise fail(str(exc)) from None
    if settings.insecure_reasons():
        typer.secho("dev mode: " + "; ".join(settings.insecure_reasons())
                    + " (fine for a local trial, never for real callers)",
                    fg=typer.colors.YELLOW, err=True)


def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from receptionist.migrations_runner import upgrade

    settings = support.settings()
    upgrade(settings.database_url)
    typer.echo(f"database at head: {settings.database_url}")


def seed_demo() -> None:
    """Create the demo tenants `demo` and `demo-fr` if they are missing (idempotent)."""
    from receptionist import demo

    settings = support.settings()
    with open_database(settings) as database:
        demo.prepare_seed(database)
        with database.write_transaction() as session:
            created = demo.seed_demo(session)
    typer.echo(f"created: {', '.join(created)}" if created else "demo tenants already exist")


def _first_run(database: Database) -> None:
    """Dev mode, no account yet: make the demo owner and operator and show their
    passwords once (production never does: its first account is `user add`)."""
    from receptionist import demo
    from receptionist.db import WriteConflict
    from receptionist.users import service as users

    with database.session() as session:
        if users.has_accounts(session):
            return
    passwords = demo.first_run_passwords()  # hashed before the transaction: slow on purpose
    try:
        with database.write_transaction() as session:
            made = demo.first_run_accounts(session, passwords)
    except WriteConflict:  # another instance made them
        return
    for role, email, password in made:
        typer.secho(f"demo {role}: {email}  password: {password}", fg=typer.colors.GREEN)
    if made:
        typer.echo("(shown once; `receptionist user set-password --email E` sets another)")


def serve(host: Annotated[str, typer.Option()] = "127.0.0.1",
          port: Annotated[int, typer.Option()] = 8000,
          jobs: Annotated[bool, typer.Option(
              "--jobs/--no-jobs",
              help="also run the background jobs (use --no-jobs for web instances beside "
                   "separate `receptionist worker` processes)")] = True) -> None:
    """Migrate, seed the demo on an empty database, then run the web app and the worker."""
    import uvicorn

    from receptionist import demo, warm_up
    from receptionist.admin.trial_call import rehearse
    from receptionist.db import WriteConflict
    from receptionist.main import create_app
    from receptionist.migrations_runner import upgrade
    from receptionist.runtime import Runtime
    from receptionist.tenants import service as tenants
    from receptionist.worker import start_background

    settings = _stand_in_here(support.settings(), host, port)
    _setup_logging(settings)
    _check_secrets(settings)
    upgrade(settings.database_url)
    with open_database(settings) as database:
        with database.session() as session:
            empty = not tenants.has_tenants(session)
        if empty:
            demo.prepare_seed(database)
            try:
                with database.write_transaction() as session:
                    created = demo.seed_demo(session)
                if created:
                    typer.echo("empty database: seeded the demo tenants demo and demo-fr")
            except WriteConflict:  # another instance starting at the same time did it
                pass
        if settings.dev_mode:
            _first_run(database)
    typer.echo(f"admin UI: http://{host}:{port}/admin")
    rt = Runtime.from_settings(settings)
    _report_speech(rt)
    # The recognition processes and their models, the scripts and their intent models,
    # loaded in the background: /readyz says 200 once they are (/healthz at once).
    # Then each language's calls rehearsed once in the trial call's sandbox (the code a
    # first call runs for the first time: lazy imports, caches filled at first use).
    rehearsal = warm_up.Part("rehearsal", lambda: rehearse(
        settings, rt.clock, warm_up.script_per_language(rt)))
    warm = warm_up.for_runtime(rt, [rehearsal], settles_heap=True)
    schedulers: list[BackgroundScheduler] = []
    if settings.dev_mode and settings.demo_history and _history_missing(rt):
        # The demo's last few days, written in the background once the server is ready
        # (it answers meanwhile); the worker starts after them, so that it never races
        # their clock.
        typer.echo("the demo's last few days (calls, messages, bookings) are written in "
                   "the background once the server is ready: about a minute")
        threading.Thread(target=_history_then_jobs, args=(rt, warm, schedulers, jobs),
                         name="demo-history", daemon=True).start()
    elif jobs:
        schedulers.append(start_background(rt))
    app = create_app(settings, runtime=rt, warm_up=warm)
    try:
        uvicorn.run(app, host=host, port=port,
                    proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
                    log_level=settings.log_level.lower(), log_config=None,
                    access_log=settings.log_level == "DEBUG")
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=False)


def _stand_in_here(settings: Settings, host: str, port: int) -> Settings:
    """Dev mode, the app standing in for Twilio's REST API (config.Settings.plays_twilio):
    its worker reaches it where this process listens, whatever PUBLIC_BASE_URL says (the
    Quick start's default names port 8000; `PORT=8001 make run` listens elsewhere)."""
    if not (settings.plays_twilio and settings.twilio_api_base == settings.public_base_url):
        return settings
    address = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in address:
        address = f"[{address}]"
    return settings.model_copy(update={"twilio_api_base": f"http://{address}:{port}"})


def _history_missing(rt: Runtime) -> bool:
    from receptionist.cli import demo_history

    with rt.database.session() as session:
        return bool(demo_history.missing(session))


def _history_then_jobs(rt: Runtime, warm: WarmUp, schedulers: list[BackgroundScheduler],
                       jobs: bool) -> None:
    """Dev mode: once the server is ready (or after a while), the demo's history
    (`cli/demo_history.py`), then the worker."""
    import logging

    from receptionist.cli import demo_history
    from receptionist.worker import start_background

    warm.done.wait(timeout=HISTORY_WAITS_S)
    try:
        placed = demo_history.write(rt.settings, now=rt.clock())
        if placed:
            logging.getLogger(__name__).info(
                "demo history: %d past calls placed; the admin shows them", placed)
    except Exception:  # the demo's past is a nicety: the service goes on without it
        logging.getLogger(__name__).exception("demo history not written")
    if jobs:
        schedulers.append(start_background(rt))


def _report_speech(rt: Runtime) -> None:
    from sqlmodel import select

    from receptionist.speech.engines.choice import speech_report
    from receptionist.tenants.models import Tenant

    with rt.database.session() as session:
        languages = list(session.exec(select(Tenant.language)).all())
    for line in speech_report(rt.recognizer, languages):
        typer.echo(line)


def worker() -> None:
    """Run the background jobs alone (for deployments with separate web processes)."""
    from receptionist.runtime import Runtime
    from receptionist.worker import run_forever

    settings = support.settings()
    _setup_logging(settings)
    _check_secrets(settings)
    run_forever(Runtime.from_settings(settings))
