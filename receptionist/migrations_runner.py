"""Run Alembic migrations from code (`receptionist migrate`, `serve`'s prestart, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


def migrations_dir() -> Path:
    """`migrations/` beside the package (source checkout) or in the working directory
    (the Docker image installs the package and keeps the folder in /app)."""
    candidates = [Path(__file__).resolve().parent.parent / "migrations", Path.cwd() / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("cannot find the migrations/ folder (looked in "
                            + ", ".join(str(c) for c in candidates) + ")")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Any constant: PostgreSQL advisory lock taken around migrations.
_MIGRATION_LOCK = 7_412_001


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate to `revision`. On PostgreSQL, instances starting together take turns (an
    advisory lock), so the second finds the schema at head instead of racing to build it."""
    config = alembic_config(database_url)
    if not database_url.startswith("postgresql"):
        command.upgrade(config, revision)
        return
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        # The lock belongs to the connection (a session-level lock), not to a transaction.
        with engine.connect() as connection:
            with connection.begin():
                connection.execute(text("SELECT pg_advisory_lock(:key)"),
                                   {"key": _MIGRATION_LOCK})
            try:
                config.attributes["connection"] = connection
                with connection.begin():  # Alembic runs in it (migrations/env.py)
                    command.upgrade(config, revision)
            finally:
                with connection.begin():
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                       {"key": _MIGRATION_LOCK})
    finally:
        engine.dispose()
