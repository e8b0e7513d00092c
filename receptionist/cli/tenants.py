"""`receptionist tenant ...`: the businesses served by this instance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import (
    TenantOpt,
    clear_errors,
    keep_models,
    open_database,
    open_session,
    read_text,
)

tenant_app = typer.Typer(help="Businesses served by this instance.", no_args_is_help=True)


@tenant_app.command("create")
def tenant_create(slug: Annotated[str, typer.Option()],
                  script: Annotated[Path, typer.Option(help="Call script YAML")],
                  number: Annotated[list[str], typer.Option(help="E.164, repeatable")]) -> None:
    """Create a business with its phone number(s) and first script version."""
    from receptionist.call_flows import publishing

    settings = support.settings()
    keep_models(settings)
    with open_database(settings) as database, clear_errors(script):
        yaml_text = read_text(script)
        publishing.prepare(yaml_text)  # trained before the write (publish finds it cached)
        with database.write_transaction() as session:
            row = publishing.create_tenant(session, slug=slug, numbers=number,
                                           yaml_text=yaml_text, author="cli")
    typer.echo(f"created tenant {row.slug} ({row.name}) on {', '.join(number)}")


@tenant_app.command("list")
def tenant_list() -> None:
    """List tenants with their numbers, language and active script version."""
    from receptionist.tenants import service as tenants

    settings = support.settings()
    with open_session(settings) as session:
        from sqlmodel import select

        from receptionist.tenants.models import Tenant

        for row in session.exec(select(Tenant).order_by(Tenant.slug)).all():
            assert row.id is not None
            numbers = ", ".join(tenants.numbers_of(session, tenant_id=row.id))
            typer.echo(f"{row.slug:20} {row.language:6} v{row.active_version}  {numbers}  "
                       f"{row.name}")


@tenant_app.command("limit")
def tenant_limit(tenant: TenantOpt,
                 calls_per_minute: Annotated[int | None, typer.Option(
                     min=1, help="new calls admitted per minute")] = None,
                 default: Annotated[bool, typer.Option(
                     "--default", help="back to CALLS_PER_MINUTE")] = False) -> None:
    """Show or set how many new calls per minute a business admits (the rest hear "all
    our lines are busy"): a flood of calls to one business cannot starve the others."""
    from receptionist.tenants import service as tenants

    settings = support.settings()
    with open_database(settings) as database, database.write_transaction() as session:
        with clear_errors():
            row = tenants.get_tenant(session, slug=tenant)
        if calls_per_minute is not None or default:
            row.calls_per_minute = None if default else calls_per_minute
            session.add(row)
    own = row.calls_per_minute
    typer.echo(f"{row.slug}: {own or settings.calls_per_minute} new calls per minute"
               + ("" if own else " (the default, CALLS_PER_MINUTE)"))
