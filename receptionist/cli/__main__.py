"""`python -m receptionist.cli …`, as the `receptionist` command."""

from receptionist.cli.app import app

app()
