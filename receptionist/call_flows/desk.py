"""What a call's flow borrows from the running process and the provider adapter (`Desk`),
and the `FlowContext` of a known call built with it.

The adapter (e.g. `twilio/webhooks.TwilioDesk`) lends the clock, the script cache, the
speech engine's languages, its own URLs (local-voice prompts, the media stream): call
flows stay below the runtime and the provider."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import Script
from receptionist.calls.models import Call
from receptionist.tenants import service as tenants


class Desk(Protocol):
    def now(self) -> datetime:
        """The clock (aware UTC); read once per use, as the handlers always did."""
        ...

    def cached_script(self, tenant_id: int, version: int,
                      yaml_text: Callable[[], str]) -> Script:
        """The parsed script version (`call_flows.loader.ScriptCache`)."""
        ...

    def local_prompt(self, text: str, voice: str, language: str,
                     personal: bool) -> str | None:
        """The public URL of a local-voice prompt's audio, or None if not rendered yet."""
        ...

    def calls_per_minute(self) -> int:
        """New calls a business admits per minute unless its number says otherwise."""
        ...

    def listens(self, language: str) -> bool:
        """Whether speech can answer prompts in `language`."""
        ...

    def media_stream(self, call_sid: str, now: datetime) -> tuple[str, str]:
        """Where the caller's audio is forked, and the stream's token for this call."""
        ...

    def conversation(self, call_sid: str, language: str, now: datetime
                     ) -> tuple[str, str] | None:
        """Where a two-way media stream carries a call in `language` (the stream
        transport) and its token for this call; None when this process cannot carry one
        (no local voice or no speech recognition for the language)."""
        ...

    def number_speaks(self, number: str, language: str) -> None:
        """Remember the language of the script behind `number` (for the fallback flow)."""
        ...


def script(desk: Desk, session: Session, tenant_id: int, version: int) -> Script:
    return desk.cached_script(tenant_id, version, lambda: tenants.script_version(
        session, tenant_id=tenant_id, version=version).yaml_text)


def call_script(desk: Desk, session: Session, call: Call) -> Script | None:
    """The script version the call started with, so publishing mid-call changes nothing."""
    if call.tenant_id is None or call.script_version is None:
        return None
    return script(desk, session, call.tenant_id, call.script_version)


def flow_context(desk: Desk, session: Session, call: Call, script: Script) -> FlowContext:
    return FlowContext(session=session, call=call, script=script, now=desk.now(),
                       local_prompt=desk.local_prompt)
