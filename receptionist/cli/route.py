"""`receptionist route`: what an utterance means at a tenant's main menu."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import TenantOpt, clear_errors, fail, keep_models, open_session
from receptionist.i18n import N_

if TYPE_CHECKING:
    from receptionist.call_flows.schema import MenuChoice
    from receptionist.config import Settings


def route(tenant: TenantOpt,
          text: Annotated[str | None, typer.Option(help="What the caller said")] = None,
          audio: Annotated[Path | None, typer.Option(help="A WAV of the caller")] = None,
          ) -> None:
    """What an utterance (typed, or a WAV recognised offline) means at the tenant's main
    menu: the ranked intents and the band (route, confirm, reprompt), as one JSON object.
    Exit 0 even when nothing matched (intent null)."""
    from receptionist.call_flows.loader import parse_script
    from receptionist.call_flows.meaning import meaning_at_menu
    from receptionist.tenants import service as tenants

    if (text is None) == (audio is None):
        raise fail("give exactly one of --text or --audio", 2)
    settings = support.settings()
    keep_models(settings)
    with open_session(settings) as session, clear_errors():
        row = tenants.get_tenant(session, slug=tenant)
        if row.active_version is None or row.id is None:
            raise tenants.TenantError(N_("refusal.tenant.no_published_script"),
                                      slug=repr(tenant))
        stored = tenants.script_version(session, tenant_id=row.id, version=row.active_version)
        # Checked when it was published: read back without loading every step kind.
        script = parse_script(stored.yaml_text, check_graph=False)
    menu = script.main_menu_step()
    if menu is None:
        raise fail(f"tenant {tenant!r} has no menu step", 2)
    engine, heard = "text", None
    if audio is not None:
        text, heard, engine = _transcribe_menu_audio(settings, audio, menu.choices,
                                                     script.language)
    assert text is not None
    meaning = meaning_at_menu(script, menu, text, heard)
    understood = meaning.understood
    typer.echo(json.dumps({
        "intent": understood.intent if meaning.band != "reprompt" else None,
        "transcript": understood.transcript, "confidence": understood.confidence,
        "engine": engine, "band": meaning.band,
        "alternatives": [{"intent": r.intent, "confidence": r.probability}
                         for r in understood.alternatives]}, ensure_ascii=False))


def _transcribe_menu_audio(settings: Settings, audio: Path, choices: list[MenuChoice],
                           language: str) -> tuple[str, float, str]:
    """The transcript of a WAV (the menu's phrases as a hint), the engine's confidence in
    it, and the engine's name."""
    from receptionist.speech.audio import AudioError, read_wav
    from receptionist.speech.engines.choice import build_recognizer, engine_name
    from receptionist.speech.recognizer import ModelUnavailable, recognize
    from receptionist.understanding.menu_grammar import menu_phrases

    try:
        samples, rate = read_wav(audio)
        recognizer = build_recognizer(settings)
        heard = recognize(recognizer, samples, rate, language=language,
                          phrases=menu_phrases([(c.phrases, c.digit) for c in choices], language))
    except AudioError as exc:
        raise fail(f"{audio}: {exc}", 2) from None
    except ModelUnavailable as exc:
        raise fail(str(exc), 2) from None
    return heard.transcript, heard.confidence, engine_name(recognizer, language)
