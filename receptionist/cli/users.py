"""`receptionist user add`: accounts of the admin UI."""

from __future__ import annotations

from typing import Annotated

import typer

from receptionist.cli.support import fail, open_database

user_app = typer.Typer(help="Admin UI accounts.", no_args_is_help=True)


@user_app.command("add")
def user_add(email: Annotated[str, typer.Option()],
             role: Annotated[str, typer.Option(help="owner | operator")],
             tenant: Annotated[list[str] | None, typer.Option(
                 help="business slug (an owner: exactly one; an operator: repeatable)")] = None,
             language: Annotated[str, typer.Option(help="en | fr")] = "en",
             password: Annotated[str, typer.Option(
                 prompt=True, hide_input=True, confirmation_prompt=True,
                 help="at least 10 characters")] = "") -> None:
    """Create an account (the first one, and those of owners)."""
    from receptionist.tenants import service as tenants
    from receptionist.users import service as users

    hashed = users.hash_password(password)  # slow on purpose: before the transaction
    with open_database() as database:
        try:
            with database.write_transaction() as session:
                rows = [tenants.get_tenant(session, slug=slug) for slug in tenant or []]
                user = users.create_user(session, email=email, password=password, role=role,
                                         tenants=rows, language=language,
                                         password_hash=hashed)
        except (tenants.TenantError, users.AccountError) as exc:
            raise fail(str(exc)) from None
    typer.echo(f"{user.email} ({user.role}) can log in at /admin")


@user_app.command("set-password")
def user_set_password(email: Annotated[str, typer.Option()],
                      password: Annotated[str, typer.Option(
                          prompt=True, hide_input=True, confirmation_prompt=True,
                          help="at least 10 characters")] = "") -> None:
    """Give an account a new password (it is logged out everywhere)."""
    from receptionist.users import service as users

    hashed = users.hash_password(password)  # slow on purpose: before the transaction
    with open_database() as database:
        try:
            with database.write_transaction() as session:
                user = users.set_password(session, email=email, new=password,
                                          password_hash=hashed)
        except users.AccountError as exc:
            raise fail(str(exc)) from None
    typer.echo(f"{user.email}: new password set")
