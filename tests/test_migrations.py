"""Migrations build exactly the models' schema, go down cleanly, and nothing creates
tables at import time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from receptionist.db import make_engine
from receptionist.migrations_runner import alembic_config, upgrade
from receptionist.model_registry import metadata


def test_upgrade_matches_models_and_downgrade_empties(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_importing_the_app_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "untouched.db"
    code = ("from receptionist.main import create_app; from receptionist.config import Settings;"
            f"create_app(Settings(receptionist_env='dev', database_url='sqlite:///{db}'))")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    assert not db.exists()
