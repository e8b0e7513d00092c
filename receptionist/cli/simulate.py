"""`receptionist simulate`: a phone call in the terminal against a running server."""

from __future__ import annotations

from typing import Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import TenantOpt


def simulate(tenant: TenantOpt,
             url: Annotated[str, typer.Option(help="Where the server listens")] =
             "http://127.0.0.1:8000",
             caller_id: Annotated[str, typer.Option("--from")] = "+15551230001") -> None:
    """Place an interactive phone call in the terminal against a running server."""
    from receptionist.cli.terminal_call import place_call

    place_call(support.settings(), tenant=tenant, url=url, caller_id=caller_id)
