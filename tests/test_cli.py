from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from receptionist.appointments import agendas
from receptionist.cli import app
from receptionist.config import Settings, get_settings
from receptionist.demo import demo_script_text
from receptionist.speech.audio import resample, to_wav
from receptionist.tenants.service import get_tenant
from tests.conftest import Speak

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("RECEPTIONIST_ENV", "dev")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def route(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["route", *args])
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


@pytest.mark.usefixtures("cli_env")
def test_route_prints_the_design_json() -> None:
    out = route("--tenant", "demo", "--text", "I'd like to book an apointment")
    assert set(out) == {"intent", "transcript", "confidence", "engine", "band",
                        "alternatives"}
    assert (out["intent"], out["transcript"], out["engine"], out["band"]) == (
        "book", "I'd like to book an apointment", "text", "route")
    assert isinstance(out["confidence"], float) and out["confidence"] > 0.6
    alternatives = out["alternatives"]
    assert isinstance(alternatives, list) and len(alternatives) == 3
    assert all(set(a) == {"intent", "confidence"} and a["intent"] != "book"
               for a in alternatives)
    assert route("--tenant", "demo-fr", "--text", "Je voudrais laisser un message")[
        "intent"] == "message"
    asked = route("--tenant", "demo", "--text", "could I come in sometime this week?")
    assert (asked["intent"], asked["band"]) == ("book", "route")


@pytest.mark.usefixtures("cli_env")
def test_route_without_match_exits_0_with_null_intent() -> None:
    out = route("--tenant", "demo", "--text", "pizza")
    assert out["intent"] is None and out["engine"] == "text" and out["band"] == "reprompt"


@pytest.mark.usefixtures("cli_env")
def test_route_errors_are_clear() -> None:
    result = runner.invoke(app, ["route", "--tenant", "nope", "--text", "x"])
    assert result.exit_code == 2 and "no tenant with slug 'nope'" in result.output
    result = runner.invoke(app, ["route", "--tenant", "demo"])
    assert result.exit_code == 2 and "exactly one of --text or --audio" in result.output
    result = runner.invoke(app, ["route", "--tenant", "demo", "--audio", "missing.wav"])
    assert result.exit_code == 2 and "cannot read audio" in result.output


@pytest.mark.usefixtures("cli_env")
def test_script_check_warns_line_by_line_about_intents_with_nowhere_to_go(
        tmp_path: Path) -> None:
    text = demo_script_text("demo.yaml")
    no_manage = text.replace("""      - intent: manage_booking
        digit: "4"
""", """      - intent: cancel
        digit: "4"
""")
    path = tmp_path / "script.yaml"
    path.write_text(no_manage)
    result = runner.invoke(app, ["script", "check", str(path)])
    line = no_manage[:no_manage.index("    choices:")].count("\n") + 1
    assert result.exit_code == 0, result.output
    assert (f"{path}:line {line}: steps.main_menu.choices: callers who ask to change, cancel "
            "or check an appointment (intent 'manage_booking') are offered the choice "
            "'message' instead: add a choice with `intent: manage_booking` (warning)"
            ) in result.output
    assert "1 warning)" in result.output
    active = runner.invoke(app, ["script", "check", "--tenant", "demo"])
    assert active.exit_code == 0 and "demo.v1: ok" in active.output
    assert "0 warnings" in active.output
    path.write_text(text.replace("no_match: message", "no_match: nowhere"))
    assert runner.invoke(app, ["script", "check", str(path)]).exit_code == 1
    assert runner.invoke(app, ["script", "check"]).exit_code == 2


@pytest.mark.usefixtures("cli_env")
def test_script_validate_load_history_rollback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(demo_script_text("demo.yaml").replace("no_match: message",
                                                         "no_match: nowhere"))
    result = runner.invoke(app, ["script", "validate", str(bad)])
    assert result.exit_code == 1
    line = bad.read_text().splitlines().index("    no_match: nowhere") + 1
    assert (f"line {line}: steps.main_menu.no_match: refers to missing step 'nowhere'"
            in result.output)
    result = runner.invoke(app, ["script", "load", "--tenant", "demo", str(bad)])
    assert result.exit_code == 1
    good = tmp_path / "good.yaml"
    good.write_text(demo_script_text("demo.yaml").replace("retries: 2", "retries: 1"))
    assert runner.invoke(app, ["script", "validate", str(good)]).exit_code == 0
    result = runner.invoke(app, ["script", "load", "--tenant", "demo", str(good)])
    assert result.exit_code == 0 and "published version 2" in result.output
    diff = runner.invoke(app, ["script", "diff", "--tenant", "demo", "1", "2"])
    assert "-    retries: 2\n+    retries: 1" in diff.output
    rollback = runner.invoke(app, ["script", "rollback", "--tenant", "demo", "--to", "1"])
    assert rollback.exit_code == 0
    history = runner.invoke(app, ["script", "history", "--tenant", "demo"]).output
    assert "* v3" in history and "rollback to version 1" in history
    shown = runner.invoke(app, ["script", "show", "--tenant", "demo"]).output
    assert shown == demo_script_text("demo.yaml")


@pytest.mark.usefixtures("cli_env")
def test_tenant_create_and_list(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text(demo_script_text("demo-fr.yaml"))
    result = runner.invoke(app, ["tenant", "create", "--slug", "plombier", "--script",
                                 str(script), "--number", "+33100000009"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["tenant", "list"]).output
    assert "plombier" in listing and "+33100000009" in listing
    again = runner.invoke(app, ["tenant", "create", "--slug", "x", "--script", str(script),
                                "--number", "+33100000009"])
    assert again.exit_code == 2 and "already belongs" in again.output


def test_serve_refuses_placeholder_secrets_in_production(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RECEPTIONIST_ENV", "production")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    get_settings.cache_clear()
    try:
        for command in (["serve"], ["worker"]):
            result = runner.invoke(app, command)
            assert result.exit_code == 1
            assert "refusing to start" in result.output
    finally:
        get_settings.cache_clear()
    assert not (tmp_path / "x.db").exists()


def test_migrate_and_seed_demo(monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["migrate"]).exit_code == 0
        assert "created: demo, demo-fr" in runner.invoke(app, ["seed-demo"]).output
        assert "already exist" in runner.invoke(app, ["seed-demo"]).output
    finally:
        get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_route_audio_recognises_speech_offline(speak: Speak, tmp_path: Path) -> None:
    samples, rate = speak("I would like to book an appointment")
    wav = tmp_path / "caller.wav"
    wav.write_bytes(to_wav(resample(samples, rate, 22050), 22050))  # any common rate
    out = route("--tenant", "demo", "--audio", str(wav))
    assert (out["intent"], out["band"], out["engine"]) == (
        "book", "route", "whisper (whisper-tiny-en)")
    assert "appointment" in str(out["transcript"])
    silence = tmp_path / "silence.wav"
    silence.write_bytes(to_wav(np.zeros(8000, dtype=np.int16), 8000))
    assert route("--tenant", "demo", "--audio", str(silence))["intent"] is None


@pytest.mark.usefixtures("cli_env")
def test_route_audio_without_a_model_for_the_language(speak: Speak, tmp_path: Path) -> None:
    samples, rate = speak("message")
    wav = tmp_path / "caller.wav"
    wav.write_bytes(to_wav(samples, rate))
    result = runner.invoke(app, ["route", "--tenant", "demo-fr", "--audio", str(wav)])
    assert result.exit_code == 2
    assert "no installed speech model hears fr-FR" in result.output
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....junk")
    result = runner.invoke(app, ["route", "--tenant", "demo", "--audio", str(bad)])
    assert result.exit_code == 2 and "not a PCM WAV file" in result.output


def test_token_create_for_an_account(empty_database_url: str) -> None:
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": empty_database_url,
           "RECEPTIONIST_ENV": "dev"}
    cli = [sys.executable, "-m", "receptionist.cli"]
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([*cli, *command], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "user", "add", "--email", "Owner@Demo.test", "--role", "owner",
                    "--tenant", "demo", "--password", "a long password 1"], env=env,
                   check=True, capture_output=True)
    made = subprocess.run([*cli, "token", "create", "--email", "owner@demo.test"], env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0 and made.stdout.startswith("rcp_")
    refused = subprocess.run([*cli, "token", "create", "--email", "owner@demo.test",
                              "--tenant", "demo-fr"], env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "cannot see business 'demo-fr'" in refused.stderr


def test_commands_import_only_what_they_use(empty_database_url: str, tmp_path: Path) -> None:
    """`--help` loads neither the database layer nor the web app; a second `route` loads
    the model the first one trained instead of training (no scikit-learn)."""
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": empty_database_url, "RECEPTIONIST_ENV": "dev",
           "VOSK_MODEL_DIR": str(tmp_path / "models")}
    cli = [sys.executable, "-X", "importtime", "-m", "receptionist.cli"]

    def imported(*command: str) -> str:
        done = subprocess.run([*cli, *command], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stderr

    helped = imported("--help")
    assert not any(f" {name}" in helped for name in ("sqlalchemy", "fastapi", "numpy"))
    imported("migrate")
    imported("seed-demo")
    # Sentences the model reads (a phrase of a choice said alone needs no model).
    assert " sklearn" in imported("route", "--tenant", "demo", "--text",
                                  "could I come in sometime next week")
    assert list((tmp_path / "models" / "intent-models").glob("*.npz"))
    second = imported("route", "--tenant", "demo", "--text", "when do you close on friday")
    assert " sklearn" not in second and " receptionist.understanding.intent_model" in second


@pytest.mark.usefixtures("cli_env")
def test_a_busy_feed_is_linked_kept_secret_and_unlinked(session: Session) -> None:
    secret = "http://127.0.0.1:9/calendar/ical/owner%40gmail.com/private-5ecret/basic.ics"
    refused = runner.invoke(app, ["agenda", "link-feed", "--tenant", "demo", "--url",
                                  "http://169.254.169.254/latest/meta-data"])
    assert refused.exit_code != 0 and "refused" in refused.output
    linked = runner.invoke(app, ["agenda", "link-feed", "--tenant", "demo", "--url", secret])
    assert linked.exit_code == 0, linked.output
    listing = runner.invoke(app, ["agenda", "list", "--tenant", "demo"]).output
    assert "busy times from an iCalendar feed (not read yet)" in listing
    assert "5ecret" not in listing + linked.output
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    agenda = agendas.get_agenda(session, tenant_id=demo.id, slug="main")
    assert agenda is not None and agenda.busy_feed_url and "5ecret" not in agenda.busy_feed_url
    caldav = runner.invoke(app, ["agenda", "link", "--tenant", "demo", "--url",
                                 "http://127.0.0.1:9/dav/", "--username", "u",
                                 "--password", "p"])
    assert caldav.exit_code != 0 and "unlink-feed" in caldav.output
    assert runner.invoke(app, ["agenda", "unlink-feed", "--tenant", "demo"]).exit_code == 0
    session.expire_all()
    agenda = agendas.get_agenda(session, tenant_id=demo.id, slug="main")
    assert agenda is not None and agenda.busy_feed_url is None


def test_voices_list_and_install(cli_env: None, monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    monkeypatch.setenv("VOSK_MODEL_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    listed = runner.invoke(app, ["voices", "list"])
    assert listed.exit_code == 0, listed.output
    assert "local:piper:en_US-joe-medium" in listed.output and "local:pico:fr-FR" in listed.output
    assert "en-US: local:piper:en_US-joe-medium" in listed.output
    assert "fr-FR: local:pico:fr-FR" in listed.output
    source = tmp_path / "download"
    source.mkdir()
    (source / "fr_FR-test-low.onnx").write_bytes(b"x")
    (source / "fr_FR-test-low.onnx.json").write_text(json.dumps(
        {"audio": {"sample_rate": 16000}, "language": {"code": "fr_FR"}}))
    done = runner.invoke(app, ["voices", "install", "--from", str(source)])
    assert done.exit_code == 0, done.output
    assert "installed local:piper:fr_FR-test-low (fr-FR)" in done.output
    assert (tmp_path / "models" / "voices" / "piper" / "fr_FR-test-low").is_dir()
    again = runner.invoke(app, ["voices", "install", "--from", str(source)])
    assert again.exit_code != 0 and "already installed" in again.output
    odd = runner.invoke(app, ["voices", "install", "--from", "--help-me"])
    assert odd.exit_code != 0 and "not a folder or an archive" in odd.output


@pytest.mark.usefixtures("cli_env")
def test_script_load_renders_the_local_voice_prompts(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.setenv("PROMPTS_DIR", str(tmp_path / "prompts"))
    get_settings.cache_clear()
    script = tmp_path / "s.yaml"
    script.write_text(demo_script_text("demo.yaml").replace(
        "language: en-US", "language: en-US\nvoice: local:pico:en-US"))
    result = runner.invoke(app, ["script", "load", "--tenant", "demo", str(script)])
    assert result.exit_code == 0, result.output
    rendered = list((tmp_path / "prompts" / "script").glob("*.wav"))
    assert len(rendered) >= 10 and f"rendering {len(rendered)} prompts" in result.output
    missing = tmp_path / "m.yaml"
    missing.write_text(demo_script_text("demo.yaml").replace(
        "language: en-US", "language: en-US\nvoice: local:piper:en_GB-nobody-low"))
    refused = runner.invoke(app, ["script", "check", str(missing)])
    assert refused.exit_code == 1 and "en_GB-nobody-low is not installed" in refused.output
