from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from receptionist.config import InsecureSettingsError, Settings
from receptionist.main import create_app
from receptionist.wal_checkpoints import THREAD_NAME


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_healthz_reports_an_unreachable_database(tmp_path: Path) -> None:
    settings = Settings(receptionist_env="dev",
                        database_url=f"sqlite:///{tmp_path}/missing-dir/x.db")
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def _checkpointing() -> int:
    return sum(thread.name == THREAD_NAME for thread in threading.enumerate())


def test_a_sqlite_file_is_checkpointed_beside_the_app_while_it_runs(tmp_path: Path) -> None:
    settings = Settings(receptionist_env="dev", database_url=f"sqlite:///{tmp_path}/x.db")
    before = _checkpointing()  # another test's app may still be running
    with TestClient(create_app(settings)):
        assert _checkpointing() == before + 1
    assert _checkpointing() == before


def test_app_refuses_placeholder_secrets_in_production() -> None:
    with pytest.raises(InsecureSettingsError):
        create_app(Settings(receptionist_env="production"))


def test_openapi_lists_the_twilio_entry_points(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/twilio/voice", "/twilio/status", "/healthz"} <= set(paths)
