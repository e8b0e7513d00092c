"""Finding: the public prompt cache was an oracle.

`/twilio/prompts/<sha256(voice, language, text)[:32]>.wav` is public (Twilio fetches it),
and the cached texts hold callers' names and bookings: anyone could compute the name of
"Hello Jane Roe, …" and learn whether Jane Roe called. The attacks: GET the name computed
the old way, or the cache's own key without the URL's MAC; replay our own URL after its
window; read callers' audio long after their call; use a name issued under another
secret. Each is refused with the same 404 as an unknown prompt."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.call_flows.publishing import create_tenant
from receptionist.contacts.service import save_contact
from receptionist.demo import demo_script_text
from receptionist.runtime import Runtime
from receptionist.twilio.simulator import LeaveMessage, Press, SimulatedCall
from receptionist.voice.prompt_names import LIFETIME, SERVED_FOR
from receptionist.voice.prompts import CALLER, SCRIPT, PromptCache
from receptionist.worker import sweep_prompts_job
from tests.conftest import PUBLIC_BASE, FixedClock
from tests.twilio_sim import TestTwilioSim

NUMBER, JANE = "+15550000202", "+15557770001"
GREETING = "Hello Jane Roe, thank you for calling Demo Dental Clinic."
SECRET = "test-secret-key-0123456789abcdef"


@pytest.fixture
def local_voice(engine: Engine, clock: FixedClock) -> None:
    """The demo practice with the local voice, greeting known callers by name."""
    script = demo_script_text("demo.yaml").replace(
        "language: en-US", "language: en-US\nvoice: local").replace(
        "Thank you for calling Demo Dental Clinic.",
        "Hello {caller_name}, thank you for calling Demo Dental Clinic.")
    with Session(engine) as session:
        tenant = create_tenant(session, slug="local", numbers=[NUMBER], yaml_text=script)
        assert tenant.id is not None
        save_contact(session, tenant_id=tenant.id, number=JANE, now=clock(), by="owner",
                     name="Jane Roe")
        session.commit()


def _calls_twice(sim: TestTwilioSim, runtime: Runtime) -> SimulatedCall:
    """Jane calls (her prompts are rendered meanwhile), then calls again: the second call
    plays them."""
    sim.call(NUMBER, [Press("2"), LeaveMessage(3)], from_=JANE)
    runtime.prompts.wait_idle()
    again = sim.call(NUMBER, [Press("2"), LeaveMessage(3)], from_=JANE)
    assert again.heard[0].verb == "Play"
    return again


def _path(url: str) -> str:
    return url.removeprefix(PUBLIC_BASE)


@pytest.mark.usefixtures("local_voice")
def test_a_name_computed_from_a_guessed_text_is_404(
        sim: TestTwilioSim, runtime: Runtime, client: TestClient) -> None:
    ours = _calls_twice(sim, runtime).heard[0].text
    assert client.get(_path(ours)).status_code == 200
    guessed = hashlib.sha256(f"local\0en-US\0{GREETING}".encode()).hexdigest()[:32]
    assert client.get(f"/twilio/prompts/{guessed}.wav").status_code == 404
    # Even the cache's own key (say, from a directory listing) is no URL.
    key = runtime.prompts.key(GREETING, "local", "en-US")
    assert ours.split("/")[-1].startswith(key + "_")
    assert client.get(f"/twilio/prompts/{key}.wav").status_code == 404
    forged = f"{key}_9999999999_{'0' * 32}"
    assert client.get(f"/twilio/prompts/{forged}.wav").status_code == 404


@pytest.mark.usefixtures("local_voice")
def test_our_url_works_until_its_window_ends(
        sim: TestTwilioSim, runtime: Runtime, client: TestClient, clock: FixedClock) -> None:
    urls = [heard.text for heard in _calls_twice(sim, runtime).heard if heard.verb == "Play"]
    assert len(urls) >= 2  # the personal greeting and the script's menu
    clock.now += LIFETIME - timedelta(minutes=1)
    assert {client.get(_path(url)).status_code for url in urls} == {200}
    clock.now += SERVED_FOR - LIFETIME + timedelta(minutes=1)
    assert {client.get(_path(url)).status_code for url in urls} == {404}


@pytest.mark.usefixtures("local_voice")
def test_callers_audio_is_gone_after_the_sweep_script_prompts_stay(
        sim: TestTwilioSim, runtime: Runtime, client: TestClient, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: dict[str, bool] = {}
    ready = runtime.prompts.ready

    def noting(text: str, voice: str, language: str, *, personal: bool = False) -> str | None:
        asked[text] = personal
        return ready(text, voice, language, personal=personal)

    monkeypatch.setattr(runtime.prompts, "ready", noting)
    sim.call(NUMBER, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                      LeaveMessage(2)], from_=JANE)
    runtime.prompts.wait_idle()
    personal = {text for text, flag in asked.items() if flag}
    assert GREETING in personal
    assert any(text.startswith("I can offer Tuesday") for text in personal)  # her offer
    assert any(text.startswith("Your appointment is booked for") for text in personal)
    assert all("Jane" not in text and " AM" not in text
               for text, flag in asked.items() if not flag)
    folder = runtime.settings.prompts_dir
    first_layout = folder / (hashlib.sha256(b"x").hexdigest()[:32] + ".wav")
    first_layout.write_bytes(b"RIFF")  # a file of the cache's first (unkeyed) layout
    kept = sorted((folder / SCRIPT).iterdir())
    assert len(list((folder / CALLER).iterdir())) == len(personal)
    assert sweep_prompts_job(runtime) is None and not first_layout.exists()
    assert len(list((folder / CALLER).iterdir())) == len(personal)  # still in the window
    clock.now += SERVED_FOR + timedelta(seconds=1)
    sweep_prompts_job(runtime)
    assert list((folder / CALLER).iterdir()) == []
    assert sorted((folder / SCRIPT).iterdir()) == kept
    monkeypatch.undo()
    again = sim.call(NUMBER, [Press("2"), LeaveMessage(3)], from_=JANE)
    assert again.heard[0].verb == "Say"  # her greeting is rendered anew, not kept
    assert again.heard[1].verb == "Play"  # the menu stayed
    assert client.get(_path(again.heard[1].text)).status_code == 200


def test_names_do_not_cross_secrets(tmp_path: Path) -> None:
    ours = PromptCache(tmp_path, secret_key=SECRET)
    other = PromptCache(tmp_path, secret_key=SECRET[::-1])
    assert ours.key(GREETING, "local", "en-US") != other.key(GREETING, "local", "en-US")
    ours.render("Press 1", "local", "en-US")
    name = ours.ready("Press 1", "local", "en-US")
    assert name is not None and ours.serving(name) is not None
    assert other.serving(name) is None
    key, expires, mac = name.split("_")
    assert ours.serving(f"{key}_{int(expires) + 600}_{mac}") is None  # a longer life
    assert ours.serving(f"{key}_{expires}_{mac.upper()}") is None
    assert ours.serving(f"../{name}") is None and ours.serving(key) is None
