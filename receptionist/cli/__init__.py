"""The `receptionist` command (Typer): app.py holds the commands, one module per group."""

from receptionist.cli.app import app

__all__ = ["app"]
