"""The `receptionist` command (Typer): app.py assembles it, one module per group."""

from receptionist.cli.app import app

__all__ = ["app"]
