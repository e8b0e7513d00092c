from __future__ import annotations

from sqlmodel import Session

from receptionist import demo
from receptionist.call_flows.loader import parse_script
from receptionist.tenants import service as tenants


def test_seed_demo_is_idempotent(session: Session) -> None:
    assert demo.seed_demo(session) == []  # already seeded by the fixture
    en = tenants.tenant_for_number(session, number="+15005550006")
    fr = tenants.tenant_for_number(session, number="+33180000000")
    assert en is not None and fr is not None
    assert (en.slug, en.language, en.timezone) == ("demo", "en-US", "America/New_York")
    assert (fr.slug, fr.language, fr.timezone) == ("demo-fr", "fr-FR", "Europe/Paris")


def test_every_demo_script_ships_with_the_package_and_loads() -> None:
    languages = {parse_script(demo.demo_script_text(t.script_file)).language
                 for t in demo.DEMO_TENANTS}
    assert languages == {"en-US", "fr-FR"}
