"""Migrations build exactly the models' schema, go down cleanly, and nothing creates
tables at import time."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, or_
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select
from sqlmodel import col, select

from receptionist.calls.models import Call, WebhookReply
from receptionist.db import make_engine
from receptionist.messages.models import FetchStatus, Message, TranscriptStatus
from receptionist.migrations_runner import alembic_config, upgrade
from receptionist.model_registry import metadata
from receptionist.tenants.models import Tenant


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
    for statement in statements:
        plan = _plan(engine, statement)
        assert "SEARCH" in plan and "SCAN" not in plan, plan
    engine.dispose()


def _plan(engine: Engine, statement: Select) -> str:  # type: ignore[type-arg]
    """SQLite's plan for `statement`, its steps joined."""
    compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        return " | ".join(str(row[-1]) for row in
                          conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))


def test_replies_and_the_message_queues_read_one_index_each(tmp_path: Path) -> None:
    """0018 keeps fewer indexes: the stored replies by call and key, the workers' queues
    one composite index each. Each lookup searches the index made for it (SQLite's plans),
    never scans a table."""
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    upgrade(url)
    engine = make_engine(url)
    now = datetime(2026, 12, 6, tzinfo=UTC)
    expected: dict[str, Select] = {  # type: ignore[type-arg]
        "ix_webhook_replies_call_key (call_sid=? AND key=?)": select(WebhookReply.twiml).where(
            WebhookReply.call_sid == "CA1", WebhookReply.key == "k"),
        "ix_webhook_replies_call_key (call_sid=?)": select(WebhookReply.twiml).where(
            WebhookReply.call_sid == "CA1").order_by(col(WebhookReply.id).desc()).limit(20),
        "ix_messages_fetch_queue (fetch_status=? AND next_fetch_at<?)": select(Message).where(
            Message.fetch_status == FetchStatus.pending, col(Message.next_fetch_at) <= now
        ).order_by(col(Message.next_fetch_at)).limit(10),
        "ix_messages_transcript_queue (transcript_status=? AND fetch_status=?)": select(
            Message, Tenant.language).join(Tenant).where(
            Message.fetch_status == FetchStatus.fetched,
            col(Message.transcript_status).in_([TranscriptStatus.pending,
                                                TranscriptStatus.no_model]),
            or_(col(Message.transcript_next_at).is_(None),
                col(Message.transcript_next_at) <= now)
        ).order_by(col(Message.created_at)).limit(10),
        "ix_messages_call_id (call_id=?)": select(Message.id).where(
            col(Message.call_id) == 3,
            col(Message.transcript_status) == TranscriptStatus.pending),
        "ix_calls_figures (tenant_id=?)": select(Call).where(Call.tenant_id == 1).order_by(
            col(Call.started_at).desc(), col(Call.id).desc()).limit(50).offset(100),
    }
    for index, statement in expected.items():
        plan = _plan(engine, statement)
        assert index in plan and "SCAN" not in plan, plan
    engine.dispose()
