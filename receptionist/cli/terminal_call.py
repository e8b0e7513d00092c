"""`receptionist simulate`: a phone call placed from the terminal against a running
server, the person at the keyboard playing the caller (and whoever a transfer rings)."""

from __future__ import annotations

import httpx
import typer

from receptionist.cli.support import fail, open_session
from receptionist.config import Settings
from receptionist.tenants import service as tenants
from receptionist.twilio import simulated_recordings
from receptionist.twilio.simulator import (
    Heard,
    Recording,
    SimulatedCall,
    SimulationError,
    Spoken,
    TwilioSim,
)


class TerminalCaller:
    """A person at the terminal answering the simulated call."""

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        answer = typer.prompt("keys, or say: WORDS (Enter = silence, h = hang up)",
                              default="", show_default=False).strip()
        if answer.lower().startswith("say:"):
            return Spoken(answer[4:].strip())
        return None if answer.lower() == "h" else answer

    def record(self, prompt: list[Heard]) -> Recording | None:
        answer = str(typer.prompt(
            "say: WORDS to leave (spoken by the local voice), or seconds of a quiet "
            "message (0 = silence, h = hang up)", default="10")).strip()
        if answer.lower() == "h":
            return None
        if answer.lower().startswith("say:"):
            return Recording(10, words=answer[4:].strip())
        return Recording(int(answer) if answer.isdigit() else 10)

    def dial_result(self, number: str) -> str:
        typer.echo(f"[transferring to {number}]")
        return str(typer.prompt("transfer outcome (completed, busy, no-answer, failed)",
                                default="no-answer"))

    def screen(self, number: str, announcement: list[Heard]) -> str:
        for heard in announcement:
            typer.echo(f"  [{number} hears] {heard.text}")
        return str(typer.prompt(f"key {number} presses (Enter = none, like a voicemail)",
                                default="", show_default=False)).strip()[:1]


class EchoingSim(TwilioSim):
    def post(self, url: str, form: dict[str, str], *, signature: str | None = None) -> object:
        response = super().post(url, form, signature=signature)
        if response.status_code == 403:
            raise SimulationError("403: signature rejected. The server and this command must "
                                  "share PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN.")
        return response


def place_call(settings: Settings, *, tenant: str, url: str, caller_id: str) -> None:
    with open_session(settings) as session:
        try:
            row = tenants.get_tenant(session, slug=tenant)
        except tenants.TenantError as exc:
            raise fail(str(exc), 2) from None
        assert row.id is not None
        numbers = tenants.numbers_of(session, tenant_id=row.id)
    if not numbers:
        raise fail(f"tenant {tenant!r} has no phone number", 2)
    if not settings.dev_mode:
        typer.echo("(messages left here can be fetched only from a server in dev mode, "
                   "RECEPTIONIST_ENV=dev: it serves the recordings this command makes)")
    printed = 0
    with httpx.Client(base_url=url, timeout=30) as http:
        sim = EchoingSim(http=http, public_base=settings.public_base_url,
                         auth_token=settings.twilio_auth_token,
                         account_sid=settings.twilio_account_sid,
                         recordings_base=settings.twilio_api_base,
                         recordings=simulated_recordings.folder(settings))

        class Speaker(TerminalCaller):
            def _flush(self) -> None:
                nonlocal printed
                for heard in call.heard[printed:]:
                    typer.secho(f"  🔊 {heard.text}", fg=typer.colors.CYAN)
                printed = len(call.heard)

            def press(self, prompt: list[Heard]) -> str | Spoken | None:
                self._flush()
                return super().press(prompt)

            def record(self, prompt: list[Heard]) -> Recording | None:
                self._flush()
                return super().record(prompt)

            def dial_result(self, number: str) -> str:
                self._flush()
                return super().dial_result(number)

        typer.echo(f"calling {row.name} at {numbers[0]} from {caller_id}")
        call = SimulatedCall(sim, Speaker(), to=numbers[0], from_=caller_id,
                             language=row.language)
        try:
            call.run()
        except (SimulationError, httpx.HTTPError) as exc:
            raise fail(f"call failed: {exc}") from None
        Speaker()._flush()
    typer.echo(f"call ended ({call.call_sid})")
