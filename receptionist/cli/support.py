"""What the `receptionist` sub-commands share: the database, a red error, a tenant by slug,
a script file read and its problems shown.

The CLI imports lazily: a command imports the layers it uses when it runs, so that
`receptionist --help` (and every command) starts without loading the database layer,
the web app or speech."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

    from receptionist.call_flows.loader import ScriptError
    from receptionist.config import Settings
    from receptionist.db import Database
    from receptionist.tenants.models import Tenant

TenantOpt = Annotated[str, typer.Option("--tenant", help="Tenant slug, e.g. demo")]


@contextmanager
def open_database(settings: Settings | None = None) -> Iterator[Database]:
    """The command's `Database` on an engine of its own, whose connections are closed when
    the command ends. Writes go through `database.write_transaction()`, as everywhere."""
    from receptionist.config import get_settings
    from receptionist.db import Database, make_engine

    database = Database(make_engine((settings or get_settings()).database_url))
    try:
        yield database
    finally:
        database.dispose()
        database.engine.dispose()


@contextmanager
def open_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session for a command that only reads."""
    with open_database(settings) as database, database.session() as session:
        yield session


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` in red on stderr; `raise fail(...)` ends the command."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def tenant_or_exit(session: Session, slug: str) -> Tenant:
    from receptionist.tenants import service as tenants

    try:
        return tenants.get_tenant(session, slug=slug)
    except tenants.TenantError as exc:
        raise fail(str(exc)) from None


def settings() -> Settings:
    from receptionist.config import get_settings

    return get_settings()


def keep_models(settings: Settings) -> None:
    """Commands that train intent models keep them where the server finds them (and find
    the local voices the server has, which a script's check names)."""
    from receptionist.understanding.intent_model import keep_models_in
    from receptionist.voice.catalog import keep_voices_in

    keep_models_in(settings.intent_model_dir)
    keep_voices_in(settings.voices_dir)


def read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}", 2) from None


def report_problems(exc: ScriptError, path: Path) -> typer.Exit:
    for problem in exc.problems:
        typer.secho(f"{path}:{problem}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


@contextmanager
def clear_errors(script: Path | None = None) -> Iterator[None]:
    """Script problems print with their lines (exit 1); tenant errors in one line (exit 2)."""
    from receptionist.call_flows.loader import ScriptError
    from receptionist.tenants import service as tenants

    try:
        yield
    except ScriptError as exc:
        raise report_problems(exc, script or Path("script")) from None
    except tenants.TenantError as exc:
        raise fail(str(exc), 2) from None
