"""Script versions of a business: validate, store, activate, roll back. A version is
parsed here before it is stored, so a stored version always loads."""

from __future__ import annotations

from datetime import time

from sqlmodel import Session, select

from receptionist.appointments import service as appointments
from receptionist.call_flows.loader import compiled_script, parse_script
from receptionist.call_flows.meaning import script_model
from receptionist.call_flows.schema import Script
from receptionist.db import Database
from receptionist.tenants import service as tenants
from receptionist.tenants.models import ScriptVersion, Tenant


def active_script(session: Session, *, tenant: Tenant) -> tuple[int, Script]:
    if tenant.active_version is None or tenant.id is None:
        raise tenants.TenantError(f"tenant {tenant.slug!r} has no published script")
    row = tenants.script_version(session, tenant_id=tenant.id, version=tenant.active_version)
    return row.version, compiled_script(row.yaml_text)


def publish_script(
    session: Session, *, tenant: Tenant, yaml_text: str, author: str = "", comment: str = ""
) -> ScriptVersion:
    """Validate and store a new version, and make it the active one. Raises ScriptError.
    The version's intent model is trained now, so its first caller does not wait."""
    script = parse_script(yaml_text)
    script_model(script)
    return tenants.add_version(session, tenant=tenant, yaml_text=yaml_text,
                               business=script.business, language=script.language,
                               timezone=script.timezone, author=author, comment=comment)


def rollback_script(session: Session, *, tenant: Tenant, to_version: int,
                    author: str = "") -> ScriptVersion:
    """Publish a copy of an earlier version, so history only ever grows."""
    assert tenant.id is not None
    old = tenants.script_version(session, tenant_id=tenant.id, version=to_version)
    return publish_script(session, tenant=tenant, yaml_text=old.yaml_text, author=author,
                          comment=f"rollback to version {to_version}")


def create_tenant(session: Session, *, slug: str, numbers: list[str], yaml_text: str,
                  author: str = "") -> Tenant:
    """A new business answering `numbers` with this script (version 1) and its agenda."""
    script = parse_script(yaml_text)
    tenant = tenants.add_tenant(session, slug=slug, numbers=numbers, name=script.business,
                                language=script.language, timezone=script.timezone)
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


def warm_models(database: Database) -> int:
    """Train the intent model of every business's active script (at start, in the
    background), so that no caller waits for it after a restart. Returns how many."""
    with database.session() as session:
        scripts = [active_script(session, tenant=tenant)[1]
                   for tenant in session.exec(select(Tenant)).all()]
    for script in scripts:
        script_model(script)
    return len(scripts)

