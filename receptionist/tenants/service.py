"""Tenants, their numbers and their script versions (no HTTP here)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from importlib import resources

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from receptionist.appointments import service as appointments
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import Script
from receptionist.tenants.models import ScriptVersion, Tenant, TenantNumber


class TenantError(ValueError):
    """A tenant operation that cannot be done as asked (clear message for CLI/UI)."""


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    number: str
    script_file: str


DEMO_TENANTS = (
    DemoTenant("demo", "+15005550006", "demo.yaml"),
    DemoTenant("demo-fr", "+33180000000", "demo-fr.yaml"),
)


@lru_cache(maxsize=512)
def compiled_script(yaml_text: str) -> Script:
    """Parsed scripts by text. Versions are immutable, so a cache entry never goes stale."""
    return parse_script(yaml_text)


def get_tenant(session: Session, *, slug: str) -> Tenant:
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise TenantError(f"no tenant with slug {slug!r}")
    return tenant


def tenant_for_number(session: Session, *, number: str) -> Tenant | None:
    row = session.exec(
        select(Tenant).join(TenantNumber).where(TenantNumber.number == number)
    ).first()
    return row


@dataclass(frozen=True)
class NumberRoute:
    tenant_id: int
    active_version: int | None
    calls_per_minute: int | None = None  # the business's own limit, if set


_ROUTE = (select(Tenant.id, Tenant.active_version, Tenant.calls_per_minute).join(TenantNumber)
          .where(TenantNumber.number == bindparam("number")))


def route_number(session: Session, *, number: str) -> NumberRoute | None:
    """Which tenant (and script version) answers a dialled number: one indexed lookup."""
    row = session.connection().execute(_ROUTE, {"number": number}).first()
    return None if row is None else NumberRoute(tenant_id=row[0], active_version=row[1],
                                                calls_per_minute=row[2])


def numbers_of(session: Session, *, tenant_id: int) -> list[str]:
    return list(session.exec(
        select(TenantNumber.number).where(TenantNumber.tenant_id == tenant_id)
    ).all())


def script_version(session: Session, *, tenant_id: int, version: int) -> ScriptVersion:
    row = session.exec(select(ScriptVersion).where(
        ScriptVersion.tenant_id == tenant_id, ScriptVersion.version == version
    )).first()
    if row is None:
        raise TenantError(f"version {version} does not exist")
    return row


def active_script(session: Session, *, tenant: Tenant) -> tuple[int, Script]:
    if tenant.active_version is None or tenant.id is None:
        raise TenantError(f"tenant {tenant.slug!r} has no published script")
    row = script_version(session, tenant_id=tenant.id, version=tenant.active_version)
    return row.version, compiled_script(row.yaml_text)


def publish_script(
    session: Session, *, tenant: Tenant, yaml_text: str, author: str = "", comment: str = ""
) -> ScriptVersion:
    """Validate and store a new version, and make it the active one. Raises ScriptError."""
    script = parse_script(yaml_text)
    assert tenant.id is not None
    latest = session.exec(
        select(func.max(ScriptVersion.version)).where(ScriptVersion.tenant_id == tenant.id)
    ).one()
    row = ScriptVersion(tenant_id=tenant.id, version=(latest or 0) + 1, yaml_text=yaml_text,
                        created_by=author, comment=comment)
    session.add(row)
    tenant.active_version = row.version
    tenant.name = script.business
    tenant.language = script.language
    tenant.timezone = script.timezone
    session.add(tenant)
    session.flush()
    return row


def rollback_script(session: Session, *, tenant: Tenant, to_version: int,
                    author: str = "") -> ScriptVersion:
    """Publish a copy of an earlier version, so history only ever grows."""
    assert tenant.id is not None
    old = script_version(session, tenant_id=tenant.id, version=to_version)
    return publish_script(session, tenant=tenant, yaml_text=old.yaml_text, author=author,
                          comment=f"rollback to version {to_version}")


def script_history(session: Session, *, tenant: Tenant) -> list[ScriptVersion]:
    return list(session.exec(
        select(ScriptVersion).where(ScriptVersion.tenant_id == tenant.id)
        .order_by(ScriptVersion.version)  # type: ignore[arg-type]
    ).all())


def script_diff(session: Session, *, tenant: Tenant, old: int, new: int) -> str:
    assert tenant.id is not None
    a = script_version(session, tenant_id=tenant.id, version=old)
    b = script_version(session, tenant_id=tenant.id, version=new)
    return "".join(difflib.unified_diff(
        a.yaml_text.splitlines(keepends=True), b.yaml_text.splitlines(keepends=True),
        fromfile=f"v{old}", tofile=f"v{new}",
    ))


def create_tenant(session: Session, *, slug: str, numbers: list[str], yaml_text: str,
                  author: str = "") -> Tenant:
    script = parse_script(yaml_text)
    if session.exec(select(Tenant).where(Tenant.slug == slug)).first() is not None:
        raise TenantError(f"tenant {slug!r} already exists")
    for number in numbers:
        owner = tenant_for_number(session, number=number)
        if owner is not None:
            # Never which one: an operator must not learn other agencies' businesses.
            raise TenantError(f"number {number} already belongs to another business")
    tenant = Tenant(slug=slug, name=script.business, language=script.language,
                    timezone=script.timezone)
    session.add(tenant)
    session.flush()
    assert tenant.id is not None
    for number in numbers:
        session.add(TenantNumber(number=number, tenant_id=tenant.id))
    publish_script(session, tenant=tenant, yaml_text=yaml_text, author=author,
                   comment="initial version")
    ensure_main_agenda(session, tenant=tenant, script=script)
    return tenant


def ensure_main_agenda(session: Session, *, tenant: Tenant, script: Script) -> None:
    """Every business starts with one agenda, `main`, open during the script's hours and
    closed on its holidays, in 30-minute slots (what `book` steps use by default)."""
    assert tenant.id is not None
    if appointments.get_agenda(session, tenant_id=tenant.id, slug="main") is not None:
        return
    weekly = {day: [f"{r.start:%H:%M}-" + ("24:00" if r.end == time.max else f"{r.end:%H:%M}")
                    for r in ranges] for day, ranges in script.hours.items()}
    closures = [{"start": h.date.isoformat(), "end": h.date.isoformat(), "name": h.name}
                for h in script.holidays]
    appointments.create_agenda(session, tenant=tenant, slug="main", name="Main agenda",
                               weekly_hours=weekly, timezone=script.timezone,
                               closures=closures)


def demo_script_text(filename: str) -> str:
    return resources.files("receptionist.scripts").joinpath(filename).read_text("utf-8")


def seed_demo(session: Session) -> list[str]:
    """Create the demo tenants that do not exist yet; returns the slugs created."""
    created = []
    for demo in DEMO_TENANTS:
        if session.exec(select(Tenant).where(Tenant.slug == demo.slug)).first() is None:
            create_tenant(session, slug=demo.slug, numbers=[demo.number],
                          yaml_text=demo_script_text(demo.script_file), author="seed-demo")
            created.append(demo.slug)
        else:  # seeded before agendas existed
            tenant = session.exec(select(Tenant).where(Tenant.slug == demo.slug)).one()
            ensure_main_agenda(session, tenant=tenant,
                               script=parse_script(demo_script_text(demo.script_file)))
    return created


def has_tenants(session: Session) -> bool:
    return session.exec(select(Tenant.id)).first() is not None
