from __future__ import annotations

import pytest
from sqlmodel import Session

from receptionist.tenants import service as tenants


def test_a_number_routes_to_its_tenant_and_active_version(session: Session) -> None:
    route = tenants.route_number(session, number="+15005550006")
    demo = tenants.get_tenant(session, slug="demo")
    assert route is not None and (route.tenant_id, route.active_version) == (demo.id, 1)
    assert tenants.route_number(session, number="+15550000000") is None


def test_add_version_activates_it_and_history_grows(session: Session) -> None:
    demo = tenants.get_tenant(session, slug="demo")
    assert demo.id is not None
    first = tenants.script_version(session, tenant_id=demo.id, version=1)
    row = tenants.add_version(session, tenant=demo, yaml_text=first.yaml_text + "\n",
                              business="Renamed", language="en-GB", timezone="Europe/London")
    assert (row.version, demo.active_version, demo.name, demo.language) == (
        2, 2, "Renamed", "en-GB")
    assert [v.version for v in tenants.script_history(session, tenant=demo)] == [1, 2]
    assert tenants.script_diff(session, tenant=demo, old=1, new=2).startswith("--- v1")


def test_add_tenant_refuses_taken_numbers_without_naming_the_owner(session: Session) -> None:
    with pytest.raises(tenants.TenantError) as caught:
        tenants.add_tenant(session, slug="new", numbers=["+15005550006"], name="New",
                           language="en-US", timezone="UTC")
    assert "demo" not in str(caught.value)
    tenant = tenants.add_tenant(session, slug="new", numbers=["+15550000001"], name="New",
                                language="en-US", timezone="UTC")
    assert tenants.numbers_of(session, tenant_id=tenant.id or 0) == ["+15550000001"]
    assert tenant.active_version is None
