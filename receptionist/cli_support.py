"""What the `receptionist` sub-commands share: a session, a red error, a tenant by slug."""

from __future__ import annotations

import typer
from sqlmodel import Session

from receptionist.config import get_settings
from receptionist.db import make_engine
from receptionist.tenants import service as tenants
from receptionist.tenants.models import Tenant


def open_session() -> Session:
    return Session(make_engine(get_settings().database_url), expire_on_commit=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` in red on stderr; `raise fail(...)` ends the command."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def tenant_or_exit(session: Session, slug: str) -> Tenant:
    try:
        return tenants.get_tenant(session, slug=slug)
    except tenants.TenantError as exc:
        raise fail(str(exc)) from None
