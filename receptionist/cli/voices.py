"""`receptionist voices list | install --from PATH`: the local voices prompts are spoken
with (`voice: local` in a script)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import fail

voices_app = typer.Typer(help="Local voices (Piper, SVOX Pico, espeak-ng).",
                         no_args_is_help=True)


@voices_app.command("list")
def voices_list() -> None:
    """Installed voices, best first, with their licence; and which one `voice: local`
    picks for each language."""
    from receptionist.i18n import SPOKEN_LOCALES
    from receptionist.voice import catalog

    settings = support.settings()
    voices = catalog.installed(settings.voices_dir)
    for voice in voices:
        typer.echo(f"  {voice.language:6} {voice.spec:40} {voice.licence}")
    typer.echo("voice: local speaks")
    for locale in SPOKEN_LOCALES:
        try:
            chosen = catalog.choose("local", locale, voices).spec
        except catalog.VoiceProblem:
            chosen = "none (Twilio's voice)"
        typer.echo(f"  {locale}: {chosen}")
    typer.echo(f"more Piper voices: receptionist voices install --from FOLDER_OR_ARCHIVE "
               f"(into {settings.voices_dir})")


@voices_app.command("install")
def voices_install(
        from_path: Annotated[Path, typer.Option(
            "--from", help="A folder or archive (.tar.gz, .zip) holding NAME.onnx and "
            "NAME.onnx.json")]) -> None:
    """Install Piper voices from a local folder or archive (offline); restart the server
    to offer them."""
    from receptionist.voice.voice_install import VoiceInstallError, install

    settings = support.settings()
    try:
        installed = install(from_path, settings.voices_dir)
    except VoiceInstallError as exc:
        raise fail(str(exc)) from None
    for voice in installed:
        typer.echo(f"installed {voice.spec} ({voice.language})")
