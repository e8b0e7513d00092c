from __future__ import annotations

import pytest
from sqlmodel import Session

from receptionist.call_flows import publishing
from receptionist.call_flows.loader import ScriptError
from receptionist.tenants import service as tenants
from tests.call_flows.test_loader import MINIMAL


def test_versions_rollback_and_diff(session: Session) -> None:
    tenant = publishing.create_tenant(session, slug="plumber", numbers=["+33100000001"],
                                      yaml_text=MINIMAL, author="op@example.com")
    changed = MINIMAL.replace("Tapez 1.", "Tapez un.")
    v2 = publishing.publish_script(session, tenant=tenant, yaml_text=changed, author="op2")
    assert (v2.version, tenant.active_version) == (2, 2)
    assert "-    prompt: Tapez 1.\n+    prompt: Tapez un." in tenants.script_diff(
        session, tenant=tenant, old=1, new=2)
    v3 = publishing.rollback_script(session, tenant=tenant, to_version=1, author="op")
    assert (v3.version, v3.comment, v3.yaml_text) == (3, "rollback to version 1", MINIMAL)
    assert [v.version for v in tenants.script_history(session, tenant=tenant)] == [1, 2, 3]
    _, script = publishing.active_script(session, tenant=tenant)
    assert script.steps["menu"].prompt == "Tapez 1."  # type: ignore[union-attr]


def test_invalid_script_is_not_published(session: Session) -> None:
    tenant = tenants.get_tenant(session, slug="demo")
    with pytest.raises(ScriptError):
        publishing.publish_script(session, tenant=tenant, yaml_text="business: [")
    assert tenant.active_version == 1
    assert len(tenants.script_history(session, tenant=tenant)) == 1


def test_numbers_and_slugs_are_unique(session: Session) -> None:
    with pytest.raises(tenants.TenantError, match="already belongs to another business"):
        publishing.create_tenant(session, slug="other", numbers=["+15005550006"],
                                 yaml_text=MINIMAL)
    with pytest.raises(tenants.TenantError, match="already exists"):
        publishing.create_tenant(session, slug="demo", numbers=["+15550000000"],
                                 yaml_text=MINIMAL)


def test_unknown_tenant_and_version(session: Session) -> None:
    with pytest.raises(tenants.TenantError, match="no tenant"):
        tenants.get_tenant(session, slug="nope")
    known = tenants.get_tenant(session, slug="demo")
    with pytest.raises(tenants.TenantError, match="version 9 does not exist"):
        publishing.rollback_script(session, tenant=known, to_version=9)


def test_practitioners_get_their_agendas_and_keep_an_owners_hours(session: Session) -> None:
    import json

    from receptionist.appointments.agendas import list_agendas
    from tests.twilio.practice import practice_text

    tenant = tenants.get_tenant(session, slug="demo")
    assert tenant.id is not None
    text = practice_text("en")
    publishing.publish_script(session, tenant=tenant, yaml_text=text)
    agendas = {a.slug: a for a in list_agendas(session, tenant_id=tenant.id)}
    assert sorted(agendas) == ["lee", "main", "martin", "okafor"]
    okafor = agendas["okafor"]
    assert (okafor.name, okafor.timezone) == ("Dr Okafor", "America/New_York")
    assert json.loads(okafor.weekly_hours) == {"mon": ["09:00-13:00"], "tue": ["09:00-13:00"]}
    assert json.loads(agendas["lee"].weekly_hours)["fri"] == ["09:00-18:00"]  # the business's
    assert "2026-12-25" in agendas["lee"].closures  # its holidays too
    # The owner changes Dr Okafor's hours on the agenda; a script change elsewhere keeps them.
    okafor.weekly_hours = json.dumps({"wed": ["14:00-18:00"]})
    session.add(okafor)
    publishing.publish_script(session, tenant=tenant,
                              yaml_text=text.replace("name: Dr Martin", "name: Doctor Martin"))
    session.refresh(okafor)
    assert json.loads(okafor.weekly_hours) == {"wed": ["14:00-18:00"]}
    assert agendas["martin"].name == "Doctor Martin"
    # The script changes Dr Okafor's hours: they apply.
    publishing.publish_script(session, tenant=tenant, yaml_text=text.replace(
        'tue: ["09:00-13:00"]', 'thu: ["09:00-13:00"]'))
    session.refresh(okafor)
    assert json.loads(okafor.weekly_hours) == {"mon": ["09:00-13:00"], "thu": ["09:00-13:00"]}
