"""The admin UI in a real browser: Debian's chromium, driven by Playwright, against the
app served by uvicorn on loopback. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.main import create_app
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD
from tests.conftest import DEMO_EN, FixedClock, serving
from tests.twilio_sim import TestTwilioSim
from tests.waiting import PATIENCE_S

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PATIENCE_MS = int(PATIENCE_S * 1000)


@pytest.fixture
def live_server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    with serving(create_app(settings, runtime=runtime)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("chromium is missing: `make deps` installs packaging/apt-packages.txt")
    # Assertions wait for the page as long as actions do (Playwright's 5 s would decide
    # for a busy machine that the page is wrong).
    expect.set_options(timeout=PATIENCE_MS)
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS,
                                                  timeout=PATIENCE_MS)
            yield launched
            launched.close()
    finally:
        expect.set_options(timeout=5_000)  # Playwright's default


def open_page(browser: Browser, **options: Any) -> Page:
    """A page whose actions (goto, click, fill…) wait as long as a busy machine needs."""
    page = browser.new_page(**options)
    page.set_default_timeout(PATIENCE_MS)
    page.set_default_navigation_timeout(PATIENCE_MS)
    return page


def test_owner_reads_plays_and_handles_a_message(
        browser: Browser, live_server: str, sim: TestTwilioSim, session: Session,
        settings: Settings, engine: Engine, clock: FixedClock) -> None:
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[get_tenant(session, slug="demo")])
    session.commit()
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    fetch_due_recordings(settings, Database(engine), now=clock(), source=TwilioRest(settings))
    ARTIFACTS.mkdir(exist_ok=True)

    page = open_page(browser, viewport={"width": 390, "height": 844})  # a phone screen
    page.goto(f"{live_server}/admin/t/demo/inbox")
    expect(page).to_have_url(f"{live_server}/admin/login")
    page.fill("input[name=email]", "owner@demo.test")
    page.fill("input[name=password]", PASSWORD)
    page.screenshot(path=str(ARTIFACTS / "admin-login.png"))
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/admin/t/demo/dashboard")  # the owner's figures
    page.click("nav >> text=Messages")
    expect(page).to_have_url(f"{live_server}/admin/t/demo/inbox")
    message = page.locator("li.message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("+15551230001")
    expect(message.locator("a.callback")).to_have_attribute("href", "tel:+15551230001")
    # Play the recording: the browser fetches and decodes the WAV.
    played = page.evaluate("""async (patience) => {
        const audio = document.querySelector('li.message audio');
        audio.muted = true;
        await audio.play();
        const until = Date.now() + patience;  // until it has played a little, however slowly
        while (audio.currentTime === 0 && !audio.error && Date.now() < until)
            await new Promise(resolve => setTimeout(resolve, 50));
        return {time: audio.currentTime, duration: audio.duration, error: audio.error};
    }""", PATIENCE_MS)
    assert played["error"] is None and played["duration"] > 1 and played["time"] > 0
    page.screenshot(path=str(ARTIFACTS / "admin-inbox.png"), full_page=True)
    message.locator("button", has_text="Mark handled").click()
    expect(page.locator("li.message")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("No messages.")
    page.click("text=Calls")
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "admin-calls.png"), full_page=True)


def test_another_business_is_not_found_in_the_browser(
        browser: Browser, live_server: str, session: Session) -> None:
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[get_tenant(session, slug="demo")])
    session.commit()
    page = open_page(browser)
    page.goto(f"{live_server}/admin/login")
    page.fill("input[name=email]", "owner@demo.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/admin/t/demo/dashboard")
    response = page.goto(f"{live_server}/admin/t/demo-fr/inbox")
    assert response is not None and response.status == 404


def test_operator_edits_tests_publishes_and_rolls_back(
        browser: Browser, live_server: str, session: Session) -> None:
    create_user(session, email="agency@ops.test", password=PASSWORD, role="operator",
                tenants=[get_tenant(session, slug="demo")])
    session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/admin/login")
    page.fill("input[name=email]", "agency@ops.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/admin/t/demo/script")
    editor = page.locator("textarea[name=yaml_text]")
    original = editor.input_value()
    editor.fill(original.replace("goto: opening_hours", "goto: opening_ours"))
    page.click("button[value=check]")
    expect(page.locator(".problems")).to_contain_text("refers to missing step 'opening_ours'")
    page.screenshot(path=str(ARTIFACTS / "admin-script-error.png"), full_page=True)
    fixed = original.replace("Thank you for calling Demo Dental Clinic.",
                             "Welcome to Demo Dental Clinic.")
    page.locator("textarea[name=yaml_text]").fill(fixed)
    page.locator("textarea[name=inputs]").fill("3\n2\nmessage 5")
    page.click("#run-test-call")
    expect(page.locator(".test-result")).to_contain_text("Welcome to Demo Dental Clinic.")
    expect(page.locator(".test-result")).to_contain_text("opening_hours")
    page.screenshot(path=str(ARTIFACTS / "admin-test-call.png"), full_page=True)
    page.click("button[value=publish]")
    expect(page.locator("p.ok")).to_contain_text("published v2")
    page.locator("form[action$='/script/rollback'] button").first.click()
    expect(page.locator("p.ok")).to_contain_text("v1 published again as v3")
    expect(page.locator("textarea[name=yaml_text]")).to_have_value(original)
