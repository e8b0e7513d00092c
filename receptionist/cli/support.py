"""What the `receptionist` sub-commands share: a session, a red error, a tenant by slug."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlmodel import Session

from receptionist.config import Settings, get_settings
from receptionist.db import Database, make_engine
from receptionist.tenants import service as tenants
from receptionist.tenants.models import Tenant


@contextmanager
def open_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session on its own engine, whose connections are closed when the command ends."""
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
    try:
        return tenants.get_tenant(session, slug=slug)
    except tenants.TenantError as exc:
        raise fail(str(exc)) from None
