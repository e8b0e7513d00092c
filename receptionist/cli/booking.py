"""`receptionist agenda ...` and `receptionist token ...` (added to the main command)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from receptionist.cli.support import (
    fail,
    open_database,
    open_session,
    settings,
    tenant_or_exit,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from receptionist.appointments.models import Agenda
    from receptionist.config import Settings
    from receptionist.tenants.models import Tenant

agenda_app = typer.Typer(help="Bookable agendas: rules, CalDAV link, ICS feed.",
                         no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the JSON API.", no_args_is_help=True)
TenantOpt = Annotated[str, typer.Option("--tenant", help="Tenant slug, e.g. demo")]
AgendaOpt = Annotated[str, typer.Option("--agenda", help="Agenda slug")]


def _agenda(session: Session, tenant: Tenant, slug: str) -> Agenda:
    from receptionist.appointments import agendas as appointments

    assert tenant.id is not None
    agenda = appointments.get_agenda(session, tenant_id=tenant.id, slug=slug)
    if agenda is None:
        raise fail(f"tenant {tenant.slug!r} has no agenda {slug!r}")
    return agenda


def _reachable(url: str, what: str) -> tuple[Settings, str]:
    """The settings and the normalised URL, once the outbound policy lets the server call
    `url` (else exit)."""
    from receptionist.outbound import OutboundRefused, Policy

    config = settings()
    try:
        checked = Policy.from_settings(config).check(url)
    except OutboundRefused as exc:
        raise fail(f"{what} URL refused: {exc}") from None
    return config, checked


@agenda_app.command("list")
def agenda_list(tenant: TenantOpt) -> None:
    """Agendas of a tenant with their rules, feed URL and calendar link."""
    from receptionist.appointments import agendas as appointments

    base = settings().public_base_url
    with open_session() as session:
        row = tenant_or_exit(session, tenant)
        assert row.id is not None
        for agenda in appointments.list_agendas(session, tenant_id=row.id):
            typer.echo(f"{agenda.slug}: {agenda.name} ({agenda.timezone}), "
                       f"{agenda.slot_minutes} min slots + {agenda.buffer_minutes} min buffer, "
                       f"notice {agenda.min_notice_minutes} min, horizon "
                       f"{agenda.horizon_days} days, reminder {agenda.reminder_hours} h")
            typer.echo(f"  hours: {agenda.weekly_hours}")
            typer.echo(f"  ICS feed: {base}/ics/{agenda.feed_token}.ics")
            state = agenda.caldav_error or (
                f"last checked {agenda.caldav_checked_at:%Y-%m-%d %H:%M} UTC"
                if agenda.caldav_checked_at else "not read yet")
            if agenda.caldav_url:
                typer.echo(f"  CalDAV: {agenda.caldav_url} ({state})")
            elif agenda.busy_feed_url:
                typer.echo(f"  busy times from an iCalendar feed ({state})")


@agenda_app.command("set")
def agenda_set(tenant: TenantOpt, agenda: AgendaOpt = "main",
               hours: Annotated[str | None, typer.Option(
                   help='JSON, e.g. {"mon": ["09:00-12:00", "14:00-18:00"]}')] = None,
               slot_minutes: int | None = None, buffer_minutes: int | None = None,
               notice_minutes: int | None = None, horizon_days: int | None = None,
               reminder_hours: int | None = None,
               closures: Annotated[str | None, typer.Option(
                   help='JSON, e.g. [{"start": "2026-12-24", "end": "2026-12-26"}]')] = None
               ) -> None:
    """Change an agenda's rules (only the options given)."""
    from receptionist.appointments import agendas as appointments

    with open_database() as database, database.write_transaction() as session:
        row = _agenda(session, tenant_or_exit(session, tenant), agenda)
        changes = {"weekly_hours": hours, "slot_minutes": slot_minutes,
                   "buffer_minutes": buffer_minutes, "min_notice_minutes": notice_minutes,
                   "horizon_days": horizon_days, "reminder_hours": reminder_hours,
                   "closures": closures}
        for name, value in changes.items():
            if value is not None:
                setattr(row, name, value)
        try:
            if hours is not None and not isinstance(json.loads(hours), dict):
                raise ValueError("hours must be a JSON object of day -> ranges")
            appointments.validate_agenda(row)
        except (ValueError, KeyError, TypeError) as exc:
            raise fail(f"invalid agenda settings: {exc}") from None
        session.add(row)
    typer.echo(f"agenda {row.slug} updated")


@agenda_app.command("link")
def agenda_link(tenant: TenantOpt, url: Annotated[str, typer.Option(help="Calendar URL")],
                username: Annotated[str, typer.Option()], agenda: AgendaOpt = "main",
                password: Annotated[str, typer.Option(
                    prompt=True, hide_input=True, help="kept encrypted with SECRET_KEY")] = ""
                ) -> None:
    """Link an agenda to a CalDAV calendar: bookings are written there, and the owner's
    own events there block availability (the worker syncs both ways)."""
    from receptionist.appointments import agendas as appointments
    from receptionist.clock import utcnow
    from receptionist.secret_box import seal

    config, url = _reachable(url, "calendar")
    with open_database() as database, database.write_transaction() as session:
        row = _agenda(session, tenant_or_exit(session, tenant), agenda)
        if row.busy_feed_url:
            raise fail(f"agenda {row.slug} reads its busy times from an iCalendar feed: "
                       "`agenda unlink-feed` it first")
        row.caldav_url, row.caldav_username = url.rstrip("/") + "/", username
        row.caldav_password = seal(config.secret_key, password)
        appointments.calendar_linked(session, agenda=row, now=utcnow())
    typer.echo(f"agenda {row.slug} linked to {row.caldav_url}; the worker syncs it")


@agenda_app.command("unlink")
def agenda_unlink(tenant: TenantOpt, agenda: AgendaOpt = "main") -> None:
    """Stop syncing an agenda with its CalDAV calendar (events there are left as they are)."""
    from receptionist.appointments import agendas as appointments

    with open_database() as database, database.write_transaction() as session:
        row = _agenda(session, tenant_or_exit(session, tenant), agenda)
        row.caldav_url = row.caldav_username = row.caldav_password = None
        session.add(row)
        appointments.forget_external(session, agenda=row)
    typer.echo(f"agenda {row.slug} unlinked")


@agenda_app.command("link-feed")
def agenda_link_feed(tenant: TenantOpt, agenda: AgendaOpt = "main",
                     url: Annotated[str, typer.Option(
                         prompt=True, hide_input=True,
                         help="the calendar's secret iCalendar address (https:// or "
                              "webcal://); kept encrypted, never shown")] = "") -> None:
    """Read the owner's busy times from a published iCalendar feed (Google Calendar's
    "secret address in iCal format", Outlook's published ICS link, iCloud's public
    calendar link): its events block availability. Read-only: bookings are not written
    there (use `agenda link` with a CalDAV calendar for that)."""
    from receptionist.appointments import agendas as appointments
    from receptionist.appointments import busy_feed
    from receptionist.clock import utcnow
    from receptionist.secret_box import seal

    config, address = _reachable(busy_feed.feed_url(url), "feed")
    with open_database() as database, database.write_transaction() as session:
        row = _agenda(session, tenant_or_exit(session, tenant), agenda)
        if row.caldav_url:
            raise fail(f"agenda {row.slug} reads its busy times from its CalDAV calendar: "
                       "`agenda unlink` it first")
        row.busy_feed_url = seal(config.secret_key, address)
        appointments.calendar_linked(session, agenda=row, now=utcnow())
    typer.echo(f"agenda {row.slug} reads its busy times from the feed; the worker "
               "checks it every 30 seconds")


@agenda_app.command("unlink-feed")
def agenda_unlink_feed(tenant: TenantOpt, agenda: AgendaOpt = "main") -> None:
    """Stop reading busy times from the agenda's iCalendar feed (forgets them)."""
    from receptionist.appointments import agendas as appointments

    with open_database() as database, database.write_transaction() as session:
        row = _agenda(session, tenant_or_exit(session, tenant), agenda)
        row.busy_feed_url = None
        session.add(row)
        appointments.forget_external(session, agenda=row)
    typer.echo(f"agenda {row.slug} no longer reads a feed")


@token_app.command("create")
def token_create(email: Annotated[str | None, typer.Option(
                     help="the account the token acts for (DESIGN §5)")] = None,
                 tenant: Annotated[str | None, typer.Option(
                     "--tenant", help="business slug (needed when the account has several)")]
                 = None,
                 name: Annotated[str, typer.Option(help="what the token is for")] = "") -> None:
    """Create an API token for one business; it is shown once. With --email, the token
    acts for that account and can only reach a business the account can see."""
    from sqlalchemy import select
    from sqlmodel import col

    from receptionist.clock import utcnow
    from receptionist.tenants.tokens import create_token
    from receptionist.users import service as users
    from receptionist.users.models import User

    with open_database() as database, database.write_transaction() as session:
        if email is None and tenant is None:
            raise fail("give --email (and --tenant if the account has several businesses) "
                        "or --tenant")
        row: Tenant | None = None
        user = None
        if email is not None:
            user = session.execute(select(User).where(
                col(User.email) == email.strip().lower())).scalar()
            if user is None:
                raise fail(f"no account {email!r} (see `receptionist user add`)")
            mine = users.tenants_of(session, user)
            if tenant is not None:
                row = next((t for t in mine if t.slug == tenant), None)
                if row is None:
                    raise fail(f"{email} cannot see business {tenant!r}")
            elif len(mine) == 1:
                row = mine[0]
            else:
                raise fail(f"{email} sees {len(mine)} businesses: choose one with --tenant")
        else:
            assert tenant is not None
            row = tenant_or_exit(session, tenant)
        token = create_token(session, tenant=row, name=name or (user.email if user else ""),
                             now=utcnow(), user_id=user.id if user else None)
    typer.echo(token)
