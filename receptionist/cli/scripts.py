"""`receptionist script ...`: a tenant's call script, validated, published, rolled back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from receptionist.cli import support
from receptionist.cli.support import (
    TenantOpt,
    clear_errors,
    keep_models,
    open_database,
    open_session,
    read_text,
    report_problems,
)
from receptionist.i18n import N_

if TYPE_CHECKING:
    from receptionist.config import Settings

script_app = typer.Typer(help="Call scripts: validate, publish, history, rollback.",
                         no_args_is_help=True)


@script_app.command("validate")
def script_validate(path: Path) -> None:
    """Check a script file; prints each problem with its line."""
    from receptionist.call_flows.loader import ScriptError, parse_script
    from receptionist.voice.catalog import keep_voices_in

    keep_voices_in(support.settings().voices_dir)
    try:
        script = parse_script(read_text(path))
    except ScriptError as exc:
        raise report_problems(exc, path) from None
    typer.echo(f"{path}: ok ({script.business}, {script.language}, {len(script.steps)} steps)")


@script_app.command("check")
def script_check(path: Annotated[Path | None, typer.Argument()] = None,
                 tenant: Annotated[str | None, typer.Option(
                     help="Check this tenant's active script instead of a file")] = None
                 ) -> None:
    """Check a script (a file, or a tenant's active one): its problems (exit 1) and, line
    by line, what callers could ask for that it has nowhere to send (warnings, exit 0)."""
    from receptionist.call_flows.loader import ScriptError, script_warnings
    from receptionist.voice.catalog import keep_voices_in

    keep_voices_in(support.settings().voices_dir)  # a script may name an installed voice
    if (path is None) == (tenant is None):
        raise support.fail("give a script file or --tenant SLUG (one of them)", code=2)
    if path is not None:
        text, name = read_text(path), path
    else:
        from receptionist.tenants import service as tenants

        assert tenant is not None
        with open_session(support.settings()) as session, clear_errors():
            row = tenants.get_tenant(session, slug=tenant)
            assert row.id is not None
            if row.active_version is None:
                raise tenants.TenantError(f"tenant {tenant!r} has no script")
            text = tenants.script_version(session, tenant_id=row.id,
                                          version=row.active_version).yaml_text
        name = Path(f"{tenant}.v{row.active_version}")
    try:
        script, warnings = script_warnings(text)
    except ScriptError as exc:
        raise report_problems(exc, name) from None
    for warning in warnings:
        typer.secho(f"{name}:{warning} (warning)", fg=typer.colors.YELLOW)
    typer.echo(f"{name}: ok ({script.business}, {script.language}, {len(script.steps)} "
               f"steps, {len(warnings)} warning{'' if len(warnings) == 1 else 's'})")


@script_app.command("load")
def script_load(tenant: TenantOpt, path: Path,
                author: Annotated[str, typer.Option()] = "cli",
                comment: Annotated[str, typer.Option()] = "") -> None:
    """Publish a script file as the tenant's new version."""
    from receptionist.call_flows import publishing
    from receptionist.tenants import service as tenants

    settings = support.settings()
    keep_models(settings)
    with (open_database(settings) as database, database.session() as session,
          clear_errors(path)):
        row = tenants.get_tenant(session, slug=tenant)
        yaml_text = read_text(path)
        publishing.prepare(yaml_text)  # trained before the write (publish finds it cached)
        with database.write_transaction(session):
            version = publishing.publish_script(session, tenant=row, yaml_text=yaml_text,
                                                author=author, comment=comment)
    typer.echo(f"{tenant}: published version {version.version}")
    _render_prompts(settings, yaml_text)


def _render_prompts(settings: Settings, yaml_text: str) -> None:
    """With a local voice, the script's own prompts rendered now into the server's cache
    (the same folder and key), so its first caller does not wait for them."""
    from receptionist.call_flows.loader import compiled_script
    from receptionist.call_flows.prompt_texts import static_prompts
    from receptionist.voice.prompts import PromptCache

    script = compiled_script(yaml_text)
    if script.prompt_voice is None:
        return
    cache = PromptCache(settings.prompts_dir, secret_key=settings.secret_key)
    queued = cache.prepare_script(static_prompts(script), script.prompt_voice,
                                  script.language)
    if queued:
        typer.echo(f"rendering {queued} prompts in the local voice…")
        cache.wait_idle()


@script_app.command("history")
def script_history(tenant: TenantOpt) -> None:
    """List the tenant's script versions (the active one is marked *)."""
    from receptionist.tenants import service as tenants

    settings = support.settings()
    with open_session(settings) as session:
        with clear_errors():
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

    settings = support.settings()
    with open_session(settings) as session, clear_errors():
        row = tenants.get_tenant(session, slug=tenant)
        assert row.id is not None
        number = version or row.active_version
        if number is None:
            raise tenants.TenantError(N_("refusal.tenant.no_script"), slug=repr(tenant))
        sys.stdout.write(tenants.script_version(session, tenant_id=row.id,
                                                version=number).yaml_text)


@script_app.command("diff")
def script_diff(tenant: TenantOpt, old: int, new: int) -> None:
    """Unified diff between two versions."""
    from receptionist.tenants import service as tenants

    settings = support.settings()
    with open_session(settings) as session, clear_errors():
        row = tenants.get_tenant(session, slug=tenant)
        sys.stdout.write(tenants.script_diff(session, tenant=row, old=old, new=new))


@script_app.command("rollback")
def script_rollback(tenant: TenantOpt,
                    to: Annotated[int, typer.Option("--to", help="Version to restore")],
                    author: Annotated[str, typer.Option()] = "cli") -> None:
    """Publish a copy of an earlier version as the new active version."""
    from receptionist.call_flows import publishing
    from receptionist.tenants import service as tenants

    settings = support.settings()
    keep_models(settings)
    with (open_database(settings) as database, database.session() as session,
          clear_errors()):
        row = tenants.get_tenant(session, slug=tenant)
        assert row.id is not None
        publishing.prepare(tenants.script_version(session, tenant_id=row.id,
                                                  version=to).yaml_text)
        with database.write_transaction(session):
            version = publishing.rollback_script(session, tenant=row, to_version=to,
                                                 author=author)
    typer.echo(f"{tenant}: version {to} republished as version {version.version}")
    _render_prompts(settings, version.yaml_text)
