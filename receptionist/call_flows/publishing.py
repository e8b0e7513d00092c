"""Script versions of a business: validate, store, activate, roll back. A version is
parsed here before it is stored, so a stored version always loads."""

from __future__ import annotations

import json

from sqlmodel import Session

from receptionist.appointments import agendas
from receptionist.call_flows.loader import compiled_script, parse_script
from receptionist.call_flows.meaning import script_model
from receptionist.call_flows.schema import Script, Weekly
from receptionist.i18n import N_
from receptionist.tenants import service as tenants
from receptionist.tenants.models import ScriptVersion, Tenant
from receptionist.weekly_hours import format_range


def active_script(session: Session, *, tenant: Tenant) -> tuple[int, Script]:
    if tenant.active_version is None or tenant.id is None:
        raise tenants.TenantError(N_("refusal.tenant.no_published_script"),
                                  slug=repr(tenant.slug))
    row = tenants.script_version(session, tenant_id=tenant.id, version=tenant.active_version)
    return row.version, compiled_script(row.yaml_text)


def prepare(yaml_text: str) -> Script:
    """Parse a version and train its intent model before the write that publishes it
    (`publish_script` then finds the model cached): a publication holds the write lock
    for its statements only, never for training."""
    script = parse_script(yaml_text)
    script_model(script)
    return script


def publish_script(
    session: Session, *, tenant: Tenant, yaml_text: str, author: str = "", comment: str = ""
) -> ScriptVersion:
    """Validate and store a new version, and make it the active one. Raises ScriptError.
    The version's intent model is trained now, so its first caller does not wait."""
    script = parse_script(yaml_text)
    script_model(script)
    before = None
    if tenant.active_version is not None and tenant.id is not None:
        before = active_script(session, tenant=tenant)[1]
    version = tenants.add_version(session, tenant=tenant, yaml_text=yaml_text,
                                  business=script.business, language=script.language,
                                  timezone=script.timezone, author=author, comment=comment)
    practitioner_agendas(session, tenant=tenant, script=script, before=before)
    return version


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


def _weekly(hours: Weekly) -> dict[str, list[str]]:
    return {day: [format_range(r) for r in ranges] for day, ranges in hours.items() if ranges}


def _closures(script: Script) -> list[dict[str, str]]:
    return [{"start": h.date.isoformat(), "end": h.date.isoformat(), "name": h.name}
            for h in script.holidays]


def ensure_main_agenda(session: Session, *, tenant: Tenant, script: Script) -> None:
    """Every business starts with one agenda, `main`, open during the script's hours and
    closed on its holidays, in 30-minute slots (what `book` steps use by default)."""
    assert tenant.id is not None
    if agendas.get_agenda(session, tenant_id=tenant.id, slug="main") is not None:
        return
    agendas.create_agenda(session, tenant=tenant, slug="main", name="Main agenda",
                          weekly_hours=_weekly(script.hours), timezone=script.timezone,
                          closures=_closures(script))


def _hours_of(script: Script | None, pid: str) -> dict[str, list[str]] | None:
    if script is None or pid not in script.booking.practitioners:
        return None
    own = script.booking.practitioners[pid].hours
    return _weekly(own if own is not None else script.hours)


def practitioner_agendas(session: Session, *, tenant: Tenant, script: Script,
                         before: Script | None) -> None:
    """Each practitioner books into the agenda of the same slug: created when first
    declared (their hours, the business's holidays as closures), and given the script's
    hours again only when this version changes them, so that hours an owner set on the
    agenda itself stay until the script says otherwise."""
    assert tenant.id is not None
    for pid, person in script.booking.practitioners.items():
        hours = _hours_of(script, pid)
        assert hours is not None
        agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug=pid)
        if agenda is None:
            agendas.create_agenda(session, tenant=tenant, slug=pid, name=person.name,
                                  weekly_hours=hours, timezone=script.timezone,
                                  closures=_closures(script))
            continue
        agenda.name = person.name
        if hours != _hours_of(before, pid):
            agenda.weekly_hours = json.dumps(hours)
        session.add(agenda)
