"""Run Alembic migrations from code (`receptionist migrate`, `serve`'s prestart, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


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


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
