"""The admin UI of a practice in Debian's chromium (Playwright), from the first run: the
demo owner logs in with the printed password and books a free cell of the week calendar
(on a desktop and on a phone); the
demo operator, in French, changes a menu choice and the hours in the forms, publishes,
sees the flow diagram and rolls back; the owner reads the automation figures of a few
simulated calls. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.config import Settings
from receptionist.demo import DEMO_OPERATOR, DEMO_OWNER, first_run_accounts
from receptionist.main import create_app
from receptionist.runtime import Runtime
from receptionist.twilio.simulator import LeaveMessage, Press, StaySilent
from tests.admin.test_browser import ARTIFACTS, browser, open_page  # noqa: F401  (the fixture)
from tests.conftest import DEMO_EN, serving
from tests.twilio.practice import publish_practice
from tests.twilio_sim import TestTwilioSim


@pytest.fixture
def live_server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    with serving(create_app(settings, runtime=runtime)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def first_run(session: Session) -> dict[str, str]:
    """The accounts `make run` makes on a first start, with their printed passwords."""
    made = first_run_accounts(session)
    session.commit()
    return {email: password for _, email, password in made}


def log_in(browser: Browser, url: str, email: str, password: str,  # noqa: F811
           width: int = 1280) -> Page:
    page = open_page(browser, viewport={"width": width, "height": 900})
    page.goto(f"{url}/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("button", has_text="Log out").or_(
        page.locator("button", has_text="Déconnexion"))).to_be_visible()
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_first_run_owner_books_a_free_cell_of_the_week_calendar(
        browser: Browser, live_server: str, first_run: dict[str, str],  # noqa: F811
        engine: Engine, width: int) -> None:
    """Two clicks from a free cell (and the caller's name): on a desktop and on a phone,
    where the calendar scrolls within itself and the page does not."""
    publish_practice(engine, DEMO_EN)
    ARTIFACTS.mkdir(exist_ok=True)
    page = log_in(browser, live_server, DEMO_OWNER, first_run[DEMO_OWNER], width=width)
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.fill("input[name=week]", "2026-11-18")
    page.select_option("select[name=type]", "cleaning")
    page.click("form.calendar-filters button[type=submit]")
    calendar = page.locator("table.calendar")
    expect(calendar.locator("thead")).to_contain_text("Sam Lee, our hygienist")
    expect(calendar.locator("thead")).to_contain_text("Wed 18 Nov")
    page.screenshot(path=str(ARTIFACTS / f"admin-week-calendar-{width}.png"), full_page=True)
    wrap = page.locator(".calendar-wrap").bounding_box()
    assert wrap is not None and wrap["width"] <= width
    free = calendar.get_by_label("Free, Wednesday 18 November 10:00, Sam Lee, our hygienist")
    if width < 400:
        free.click()  # scrolled into view within the calendar
    else:
        free.focus()
        page.keyboard.press("Enter")  # the keyboard works
    expect(page.locator("h2")).to_contain_text("New appointment")
    expect(page.locator("select[name=type]")).to_have_value("cleaning")
    expect(page.locator("input[name=at]")).to_have_value("2026-11-18T10:00")
    page.fill("input[name=name]", "Grace Hopper")
    page.fill("input[name=number]", "+15551239999")
    page.fill("textarea[name=note]", "prefers mornings")
    page.screenshot(path=str(ARTIFACTS / f"admin-booking-form-{width}.png"), full_page=True)
    page.click("form.booking button[type=submit]")
    expect(page.locator("p.ok")).to_contain_text("booked")
    expect(page.locator("dl.details")).to_contain_text("Grace Hopper")
    expect(page.locator("dl.details")).to_contain_text("a cleaning")
    page.screenshot(path=str(ARTIFACTS / f"admin-appointment-{width}.png"), full_page=True)
    page.locator("dl.details a", has_text="Sam Lee").click()
    booked = page.get_by_label("10:00 a cleaning · Grace Hopper, booked until 11:00, "
                               "Wednesday 18 November, Sam Lee, our hygienist")
    expect(booked).to_be_visible()
    expect(page.get_by_label("Free, Wednesday 18 November 10:00, Sam Lee, our hygienist")
           ).to_have_count(0)


def test_operator_in_french_edits_the_forms_sees_the_diagram_and_rolls_back(
        browser: Browser, live_server: str, first_run: dict[str, str]) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = log_in(browser, live_server, DEMO_OPERATOR, first_run[DEMO_OPERATOR])
    page.goto(f"{live_server}/admin/t/demo/script/form")
    page.click("button[name=language][value=fr]")
    expect(page.locator("h2")).to_contain_text("Script d'appel")
    page.fill("textarea[name=hours]", "mon 10:00-16:00\ntue 10:00-16:00")
    page.fill("input[name='choice.1.label']", "laisser un mot")
    page.fill("textarea[name='choice.1.examples']", "je voudrais laisser un mot")
    page.screenshot(path=str(ARTIFACTS / "admin-script-form-fr.png"), full_page=True)
    page.click("form.script-form button[type=submit]")
    expect(page.locator("p.ok")).to_contain_text("version 2 publiée")
    page.goto(f"{live_server}/admin/t/demo/script")
    diagram = page.locator("svg.flow-diagram")
    expect(diagram).to_be_visible()
    expect(diagram.locator("g[data-step=main_menu]")).to_be_visible()
    expect(page.locator("textarea[name=yaml_text]")).to_contain_text("10:00-16:00")
    page.screenshot(path=str(ARTIFACTS / "admin-flow-diagram-fr.png"), full_page=True)
    page.locator("form[action$='/script/rollback'] button").first.click()
    expect(page.locator("p.ok")).to_be_visible()
    expect(page.locator("textarea[name=yaml_text]")).not_to_contain_text("laisser un mot")


def test_owner_reads_the_automation_figures(
        browser: Browser, live_server: str, first_run: dict[str, str],  # noqa: F811
        sim: TestTwilioSim) -> None:
    sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                       StaySilent()], from_="+15550000001")
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)], from_="+15550000002")
    sim.call(DEMO_EN, [Press("7"), Press("7"), Press("7"), LeaveMessage(3)],
             from_="+15550000003")
    ARTIFACTS.mkdir(exist_ok=True)
    page = log_in(browser, live_server, DEMO_OWNER, first_run[DEMO_OWNER], width=390)
    page.goto(f"{live_server}/admin/t/demo/dashboard")
    expect(page.locator("p.automation")).to_contain_text(
        "100 % of calls handled without a person")
    expect(page.locator("table.stuck")).to_contain_text("Main menu")
    page.screenshot(path=str(ARTIFACTS / "admin-dashboard-phone.png"), full_page=True)
