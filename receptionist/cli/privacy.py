"""`receptionist privacy`: a business's retention period and erasing one caller's data."""

from __future__ import annotations

from typing import Annotated

import typer

from receptionist.cli.support import fail, open_database, settings, tenant_or_exit

privacy_app = typer.Typer(help="Retention and erasure of callers' data.", no_args_is_help=True)
TenantOpt = Annotated[str, typer.Option("--tenant", help="business slug")]


@privacy_app.command("retention")
def retention(tenant: TenantOpt,
              days: Annotated[int | None, typer.Option(
                  help="delete messages and calls older than this (1-3650)")] = None,
              keep: Annotated[bool, typer.Option(
                  "--keep-forever", help="remove the retention period")] = False) -> None:
    """Show or set how long messages, recordings and calls are kept."""
    from receptionist.privacy import service as privacy

    with open_database() as database, database.write_transaction() as session:
        row = tenant_or_exit(session, tenant)
        if days is not None and keep:
            raise fail("give --days or --keep-forever, not both", 2)
        if days is not None or keep:
            try:
                privacy.set_retention(session, row, None if keep else days)
            except ValueError as exc:
                raise fail(str(exc), 2) from None
    typer.echo(f"{row.slug}: " + (f"kept {row.retention_days} days"
                                  if row.retention_days else "kept until deleted"))


@privacy_app.command("erase")
def erase(tenant: TenantOpt,
          phone: Annotated[str, typer.Option(help="the caller's number, +country code")],
          now: Annotated[bool, typer.Option(
              "--now", help="erase at once instead of leaving it to the worker")] = False
          ) -> None:
    """Erase everything a business holds about one caller (GDPR): messages, recordings,
    calls, notifications; upcoming appointments are cancelled, past ones anonymised."""
    from receptionist.clock import utcnow
    from receptionist.privacy import jobs
    from receptionist.privacy import service as privacy
    from receptionist.privacy.models import ErasureRequest

    config = settings()
    with open_database(config) as database:
        with database.write_transaction() as session:
            row = tenant_or_exit(session, tenant)
            assert row.id is not None
            try:
                number = privacy.normalize_phone(phone)
            except privacy.PhoneError as exc:
                raise fail(str(exc), 2) from None
            request = privacy.request_erasure(session, tenant_id=row.id, phone=number,
                                              requested_by="cli", now=utcnow())
        if not now:
            typer.echo(f"erasure {request.id} queued: the worker carries it out within a "
                       "minute")
            return
        jobs.carry_out_erasures(database, config, now=utcnow())
        with database.session() as session:
            done = session.get(ErasureRequest, request.id)
            assert done is not None
        typer.echo(f"erased: {done.result}")
