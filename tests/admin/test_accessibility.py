"""Every admin page in Debian's chromium, as an owner and as an operator, in English and
French, on a desktop (1280 px) and a phone (390 px): axe-core (npm, pinned in
package-lock.json, injected by Playwright) finds no serious or critical violation, the
page does not scroll sideways, and it has a title of its own. Screenshots and the full
axe report are kept under test-artifacts/admin-pages/ (the path is printed).

And the script form walked through the contradiction of issue 31: the hours choice moved
from 3 to 4 while the prompt still says "press 3" is refused, the typed edits kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from receptionist.calls.models import Call
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.users.models import User
from tests.admin.helpers import PASSWORD, create_accounts
from tests.admin.test_browser import ARTIFACTS, open_page
from tests.admin.test_browser import browser as browser
from tests.admin.test_browser import live_server as live_server
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio_sim import TestTwilioSim

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES_DIR = ARTIFACTS / "admin-pages"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SERIOUS = ("serious", "critical")
# The pages of a business (every role sees them; operators also the YAML editor).
BUSINESS_PAGES = ("dashboard", "inbox", "calls", "agenda", "agenda/week", "contacts",
                  "settings", "script/form")
OPERATOR_PAGES = ("script", "script/diff?old=1&new=1")


@pytest.fixture
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make deps` runs `npm ci` (package.json)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def calls_left(sim: TestTwilioSim, session: Session) -> Iterator[dict[str, str]]:
    """A call with a message on each demo business: their call pages exist."""
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    sim.call(DEMO_FR, [Press("2"), LeaveMessage(5)])
    sids = {}
    for slug in ("demo", "demo-fr"):
        tenant = get_tenant(session, slug=slug)
        call = session.exec(select(Call).where(Call.tenant_id == tenant.id)).first()
        assert call is not None
        sids[slug] = call.call_sid
    yield sids


def _log_in(page: Page, server: str, email: str) -> None:
    page.goto(f"{server}/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("form[action='/admin/logout']")).to_have_count(1)


def _check(page: Page, axe_source: str, name: str) -> dict[str, Any]:
    """axe's serious and critical violations, sideways scrolling and the title of the
    page shown; a screenshot saved as `name`."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(PAGES_DIR / f"{name}.png"), full_page=True)
    return {"violations": [v for v in result if v["impact"] in SERIOUS],
            "minor": [v["id"] for v in result if v["impact"] not in SERIOUS],
            "overflow_px": overflow, "title": page.title()}


def _walk(browser: Browser, server: str, axe_source: str, *, email: str | None,
          paths: list[str], label: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for width_name, (width, height) in WIDTHS.items():
        # axe is injected as a script of its own: past the pages' Content-Security-Policy.
        page = open_page(browser, viewport={"width": width, "height": height}, bypass_csp=True)
        if email is not None:
            _log_in(page, server, email)
        for path in paths:
            response = page.goto(f"{server}{path}")
            assert response is not None
            name = f"{label}-{width_name}-" + path.strip("/").replace("/", "_").replace(
                "?", "_").replace("&", "_").replace("=", "")
            report = _check(page, axe_source, name)
            report["status"] = response.status
            found[f"{label} {width_name} {path}"] = report
        page.close()
    return found


def _judge(found: dict[str, dict[str, Any]], report_name: str) -> None:
    """Write the whole report, then fail naming every page with a problem."""
    (PAGES_DIR / f"{report_name}.json").write_text(json.dumps(found, indent=1,
                                                              ensure_ascii=False))
    print(f"\naxe report and screenshots: {PAGES_DIR}")
    faults = []
    titles: dict[str, list[str]] = {}
    for where, report in found.items():
        titles.setdefault(report["title"], []).append(where)
        for v in report["violations"]:
            faults.append(f"{where}: {v['impact']} {v['id']} ({v['help']}) at "
                          + "; ".join(v["targets"]))
        if report["overflow_px"] > 0:
            faults.append(f"{where}: scrolls sideways by {report['overflow_px']} px")
        if report["title"] in ("", "receptionist"):
            faults.append(f"{where}: no title of its own")
    for line in faults:
        print(line)
    assert not faults, f"{len(faults)} problems (see above and {PAGES_DIR})"


def _business_paths(slug: str, call_sid: str, *, operator: bool) -> list[str]:
    paths = [f"/admin/t/{slug}/{page}" for page in BUSINESS_PAGES]
    paths.append(f"/admin/t/{slug}/calls/{call_sid}")
    if operator:
        paths += [f"/admin/t/{slug}/{page}" for page in OPERATOR_PAGES]
    return [*paths, "/admin/tenants", "/admin/password", "/admin/t/nowhere/inbox"]


@pytest.mark.parametrize(("role", "language"), [("owner", "en"), ("owner", "fr"),
                                                ("operator", "en"), ("operator", "fr")])
def test_every_page_has_no_serious_accessibility_fault(
        browser: Browser, live_server: str, session: Session,
        calls_left: dict[str, str], axe_source: str, role: str, language: str) -> None:
    create_accounts(session)
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    email = {"owner": "owner@demo.test" if language == "en" else "owner@demo-fr.test",
             "operator": "agency@ops.test"}[role]
    user = session.exec(select(User).where(User.email == email)).one()
    user.language = language
    session.add(user)
    session.commit()
    slug = "demo" if language == "en" else "demo-fr"
    found = _walk(browser, live_server, axe_source, email=email, label=f"{role}-{language}",
                  paths=_business_paths(slug, calls_left[slug], operator=role == "operator"))
    if role == "owner" and language == "en":  # the pages of nobody signed in, once
        found |= _walk(browser, live_server, axe_source, email=None, label="anonymous",
                       paths=["/admin/login", "/admin/nowhere"])
    _judge(found, f"{role}-{language}")


def test_the_script_form_refuses_press_3_once_the_hours_moved_to_4(
        browser: Browser, live_server: str, session: Session) -> None:
    create_accounts(session)
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    page = open_page(browser, viewport={"width": 390, "height": 844})
    _log_in(page, live_server, "owner@demo.test")
    page.goto(f"{live_server}/admin/t/demo/script/form")
    # Keys 3 and 4 swapped: hours on 4, changing an appointment on 3... and the hours
    # choice alone moved to 4 would use 4 twice; so 4's choice goes to 5.
    page.get_by_label("Key · know our opening hours").fill("4")
    page.get_by_label("Key · change or cancel an appointment").fill("5")
    page.get_by_label("Question asked first").fill("Hello! How may I help?")
    page.get_by_role("button", name="Publish").first.click()
    reprompt = page.locator("textarea[name='menu.reprompt']")
    expect(reprompt).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-menu-reprompt")).to_contain_text(
        "this tells callers to press 3, but no choice of this menu has that key")
    expect(page.locator("p.error[role=alert]")).to_contain_text("Nothing was published")
    # The typed edits are all still there.
    expect(page.get_by_label("Key · know our opening hours")).to_have_value("4")
    expect(page.get_by_label("Key · change or cancel an appointment")).to_have_value("5")
    expect(page.get_by_label("Question asked first")).to_have_value("Hello! How may I help?")
    page.screenshot(path=str(PAGES_DIR / "script-form-refused.png"), full_page=True)
    # Written from the choices, the sentence names 4 for the hours, and publishing works.
    page.get_by_role("button", name="Write this sentence from the choices").click()
    expect(reprompt).to_have_value(
        "Sorry, I did not catch that. You can also press 1 to book an appointment, 2 to "
        "leave a message, 4 to know our opening hours, 5 to change or cancel an "
        "appointment, or 0 to speak with someone.")
    expect(page.get_by_label("Question asked first")).to_have_value("Hello! How may I help?")
    page.get_by_role("button", name="Publish").first.click()
    expect(page.locator("p.ok")).to_contain_text("published v2")
    session.expire_all()
    assert get_tenant(session, slug="demo").active_version == 2
