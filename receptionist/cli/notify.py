"""`receptionist notify ...`: where a business's owner hears about calls."""

from __future__ import annotations

import re
import secrets
from typing import Annotated

import typer

from receptionist.cli.support import fail, open_database, open_session, tenant_or_exit

notify_app = typer.Typer(help="Owner notifications: channels, quiet hours, digest time.",
                         no_args_is_help=True)
TenantOpt = Annotated[str, typer.Option("--tenant", help="Tenant slug, e.g. demo")]
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@notify_app.command("add")
def notify_add(tenant: TenantOpt,
               channel: Annotated[str, typer.Option(help="email | sms | webhook")],
               to: Annotated[str, typer.Option(help="address, E.164 number or URL")],
               events: Annotated[str, typer.Option(help="call_summary,digest")] =
               "call_summary,digest") -> None:
    """Add a channel. A webhook gets a new signing secret, printed once."""
    from receptionist.config import get_settings
    from receptionist.notifications import service as notifications
    from receptionist.notifications.channels import CHANNELS
    from receptionist.outbound import Policy
    from receptionist.secret_box import seal

    settings = get_settings()
    with open_database() as database, database.write_transaction() as session:
        row = tenant_or_exit(session, tenant)
        assert row.id is not None
        kind = CHANNELS.get(channel)
        secret = secrets.token_urlsafe(32) if kind is not None and kind.signed else None
        try:
            added = notifications.add_channel(
                session, tenant_id=row.id, channel=channel, target=to,
                events=tuple(e.strip() for e in events.split(",") if e.strip()),
                secret=seal(settings.secret_key, secret) if secret else None,
                outbound=Policy.from_settings(settings))
        except ValueError as exc:
            raise fail(str(exc)) from None
    typer.echo(f"channel {added.id}: {channel} {added.target} ({added.events})")
    if secret:
        typer.echo(f"signing secret (keep it for the receiver; shown once): {secret}")


@notify_app.command("list")
def notify_list(tenant: TenantOpt) -> None:
    from sqlalchemy import select
    from sqlmodel import col

    from receptionist.notifications import service as notifications
    from receptionist.notifications.models import NotificationChannel

    with open_session() as session:
        row = tenant_or_exit(session, tenant)
        assert row.id is not None
        for channel in session.execute(select(NotificationChannel).where(
                col(NotificationChannel.tenant_id) == row.id)).scalars():
            state = "" if channel.active else " (off)"
            typer.echo(f"{channel.id}: {channel.channel} {channel.target} "
                       f"[{channel.events}]{state}")
        settings = notifications.settings_for(session, tenant_id=row.id)
        quiet = (f"{settings.quiet_start}-{settings.quiet_end}"
                 if settings.quiet_start else "none")
        typer.echo(f"quiet hours: {quiet}; daily digest: {settings.digest_time or 'off'} "
                   f"({row.timezone})")


@notify_app.command("remove")
def notify_remove(tenant: TenantOpt, channel_id: Annotated[int, typer.Argument()]) -> None:
    from receptionist.notifications.models import NotificationChannel

    with open_database() as database, database.write_transaction() as session:
        row = tenant_or_exit(session, tenant)
        channel = session.get(NotificationChannel, channel_id)
        if channel is None or channel.tenant_id != row.id:
            raise fail(f"tenant {tenant!r} has no channel {channel_id}")
        channel.active = False  # kept: the outbox rows that went there still point to it
        session.add(channel)
    typer.echo(f"channel {channel_id} turned off")


@notify_app.command("settings")
def notify_settings(tenant: TenantOpt,
                    quiet: Annotated[str | None, typer.Option(
                        help="HH:MM-HH:MM local, or 'none'")] = None,
                    digest: Annotated[str | None, typer.Option(
                        help="HH:MM local, or 'off'")] = None) -> None:
    from receptionist.notifications import service as notifications

    with open_database() as database, database.write_transaction() as session:
        row = tenant_or_exit(session, tenant)
        assert row.id is not None
        settings = notifications.settings_for(session, tenant_id=row.id)
        if quiet is not None:
            if quiet == "none":
                settings.quiet_start = settings.quiet_end = None
            else:
                start, _, end = quiet.partition("-")
                if not (HHMM.match(start) and HHMM.match(end)) or start == end:
                    raise fail("quiet hours look like 20:00-08:00")
                settings.quiet_start, settings.quiet_end = start, end
        if digest is not None:
            if digest != "off" and not HHMM.match(digest):
                raise fail("the digest time looks like 19:00 (or off)")
            settings.digest_time = None if digest == "off" else digest
        session.add(settings)
    typer.echo("notification settings updated")
