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
from sqlmodel import col, select

from receptionist.calls.models import Call
from receptionist.db import make_engine
from receptionist.messages.models import Message
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


def test_a_business_calls_and_messages_are_searched_by_an_index(tmp_path: Path) -> None:
    """0017 dropped the business's own index on calls and messages: lookups by the
    business alone (and the call log, the inbox) still search an index it leads, never
    scan the table (SQLite's plans)."""
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    upgrade(url)
    engine = make_engine(url)
    statements = [select(Call.id).where(Call.tenant_id == 1),
                  select(Call).where(Call.tenant_id == 1)
                  .order_by(col(Call.started_at).desc(), col(Call.id).desc()).limit(50),
                  select(Message.id).where(Message.tenant_id == 1),
                  select(Message).where(Message.tenant_id == 1)
                  .order_by(col(Message.created_at).desc(), col(Message.id).desc()).limit(50),
                  select(Message).where(Message.tenant_id == 1, col(Message.handled).is_(False))
                  .order_by(col(Message.created_at).desc()).limit(50)]
    with engine.connect() as conn:
        for statement in statements:
            compiled = statement.compile(dialect=engine.dialect,
                                         compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in
                            conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "SEARCH" in plan and "SCAN" not in plan, (str(compiled), plan)
    engine.dispose()
