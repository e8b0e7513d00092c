"""Tenants, their numbers and their stored script versions (no HTTP, no script parsing:
validating and publishing a version is `call_flows.publishing`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from receptionist.catalog_text import Refused
from receptionist.direct_statements import Direct
from receptionist.i18n import N_
from receptionist.tenants.models import ScriptVersion, Tenant, TenantNumber


class TenantError(Refused):
    """A tenant operation that cannot be done as asked (clear message for CLI/UI)."""


class SlugTaken(TenantError):
    """Another tenant has this slug (the admin does not say so to those who cannot see
    it)."""


def get_tenant(session: Session, *, slug: str) -> Tenant:
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise TenantError(N_("refusal.tenant.unknown"), slug=repr(slug))
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


_ROUTE = Direct(select(Tenant.id, Tenant.active_version, Tenant.calls_per_minute)
                .join(TenantNumber).where(TenantNumber.number == bindparam("number")))


def route_number(session: Session, *, number: str) -> NumberRoute | None:
    """Which tenant (and script version) answers a dialled number: one indexed lookup."""
    row = _ROUTE.run(session.connection(), {"number": number}).fetchone()
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
        raise TenantError(N_("refusal.tenant.no_version"), version=version)
    return row


def add_version(session: Session, *, tenant: Tenant, yaml_text: str, business: str,
                language: str, timezone: str, author: str = "",
                comment: str = "") -> ScriptVersion:
    """Store a new (already validated) version and make it the active one."""
    assert tenant.id is not None
    latest = session.exec(
        select(func.max(ScriptVersion.version)).where(ScriptVersion.tenant_id == tenant.id)
    ).one()
    row = ScriptVersion(tenant_id=tenant.id, version=(latest or 0) + 1, yaml_text=yaml_text,
                        created_by=author, comment=comment)
    session.add(row)
    tenant.active_version = row.version
    tenant.name = business
    tenant.language = language
    tenant.timezone = timezone
    session.add(tenant)
    session.flush()
    return row


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


def add_tenant(session: Session, *, slug: str, numbers: list[str], name: str,
               language: str, timezone: str) -> Tenant:
    """A new tenant answering `numbers` (no script version yet)."""
    if session.exec(select(Tenant).where(Tenant.slug == slug)).first() is not None:
        raise SlugTaken(N_("refusal.tenant.exists"), slug=slug)
    for number in numbers:
        owner = tenant_for_number(session, number=number)
        if owner is not None:
            # Never which one: an operator must not learn other agencies' businesses.
            raise TenantError(N_("refusal.tenant.number_taken"), number=number)
    tenant = Tenant(slug=slug, name=name, language=language, timezone=timezone)
    session.add(tenant)
    session.flush()
    assert tenant.id is not None
    for number in numbers:
        session.add(TenantNumber(number=number, tenant_id=tenant.id))
    return tenant


def has_tenants(session: Session) -> bool:
    return session.exec(select(Tenant.id)).first() is not None
