"""What the scale-out and fault tests share: the environment of a real deployment's
processes (web instances, workers) on the test's database, with an always-open business."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.call_flows.publishing import create_tenant
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE
from tests.instances import always_open
from tests.twilio_sim import FakeTwilioApi

NUMBER = "+15550007777"  # the always-open business


@pytest.fixture
def deployment_env(database_url: str, engine: Engine, tmp_path: Path,
                   twilio_api: FakeTwilioApi) -> dict[str, str]:
    with Session(engine) as session:
        create_tenant(session, slug="always", numbers=[NUMBER], yaml_text=always_open(),
                      author="test")
        session.commit()
    return {**os.environ, "RECEPTIONIST_ENV": "production", "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": PUBLIC_BASE, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "scale-238e73237c90c037a573c3fdeec87eb",
            "TWILIO_API_BASE": twilio_api.base_url, "RECORDINGS_DIR": str(tmp_path / "rec"),
            "SPOOL_DIR": str(tmp_path / "spool"), "SPOOL_DRAIN_SECONDS": "0.5",
            "SPEECH_PROCESSES": "1", "SPEECH_MAX_BEHIND_S": "0", "WORKER_POLL_SECONDS": "0.2",
            "SCHEDULER_LEASE_SECONDS": "3"}
