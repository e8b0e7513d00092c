"""What the `receptionist` sub-commands share: a session, a red error, a tenant by slug.

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
    from receptionist.tenants.models import Tenant


@contextmanager
def open_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session on its own engine, whose connections are closed when the command ends."""
    from receptionist.config import get_settings
    from receptionist.db import Database, make_engine

    database = Database(make_engine((settings or get_settings()).database_url))
    try:
        with database.session() as session:
            yield session
    finally:
        database.engine.dispose()


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
