"""The `receptionist` command: the root that assembles the commands, one module per group.

Commands directly under the root (in the order `--help` lists them) come from `serve.py`
(migrate, seed-demo, serve, worker), `route.py` and `simulate.py`; the groups from
`speech_models.py`, `voices.py`, `scripts.py`, `tenants.py`, `booking.py` (agenda, token),
`notify.py`, `users.py` and `privacy.py`."""

from __future__ import annotations

import typer

from receptionist.cli import route, serve, simulate
from receptionist.cli.booking import agenda_app, token_app
from receptionist.cli.notify import notify_app
from receptionist.cli.privacy import privacy_app
from receptionist.cli.scripts import script_app
from receptionist.cli.speech_models import models_app
from receptionist.cli.tenants import tenant_app
from receptionist.cli.users import user_app
from receptionist.cli.voices import voices_app

app = typer.Typer(help="Self-hosted virtual receptionist for Twilio numbers.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.command()(serve.migrate)
app.command("seed-demo")(serve.seed_demo)
app.command()(serve.serve)
app.command()(serve.worker)
app.command()(route.route)
app.command()(simulate.simulate)
app.add_typer(models_app, name="models")
app.add_typer(voices_app, name="voices")
app.add_typer(script_app, name="script")
app.add_typer(tenant_app, name="tenant")
app.add_typer(agenda_app, name="agenda")
app.add_typer(token_app, name="token")
app.add_typer(notify_app, name="notify")
app.add_typer(user_app, name="user")
app.add_typer(privacy_app, name="privacy")
