"""What the `receptionist` sub-commands share: the database, a red error, a tenant by slug.

The CLI imports lazily: a command imports the layers it uses when it runs, so that
`receptionist --help` (and every command) starts without loading the database layer,
the web app or speech."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

    from receptionist.config import Settings
    from receptionist.db import Database
    from receptionist.tenants.models import Tenant


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
