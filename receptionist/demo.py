"""The demo businesses (DESIGN §4): their scripts, shipped in `receptionist/scripts/`, and
seeding them (`receptionist seed-demo`, `make run`)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from sqlmodel import Session, select

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.publishing import create_tenant, ensure_main_agenda, prepare
from receptionist.db import Database
from receptionist.tenants.models import Tenant
from receptionist.users import service as users


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    number: str
    script_file: str


DEMO_TENANTS = (
    DemoTenant("demo", "+15005550006", "demo.yaml"),
    DemoTenant("demo-fr", "+33180000000", "demo-fr.yaml"),
)


def demo_script_text(filename: str) -> str:
    return resources.files("receptionist.scripts").joinpath(filename).read_text("utf-8")


def prepare_seed(database: Database) -> None:
    """Train the intent models of the demo tenants not seeded yet, before the transaction
    that seeds them (`seed_demo` then finds them cached): training takes seconds, and a
    write transaction holds statements only."""
    with database.session() as session:
        seeded = set(session.exec(select(Tenant.slug)).all())
    for demo in DEMO_TENANTS:
        if demo.slug not in seeded:
            prepare(demo_script_text(demo.script_file))


def seed_demo(session: Session) -> list[str]:
    """Create the demo tenants that do not exist yet; returns the slugs created."""
    created = []
    for demo in DEMO_TENANTS:
        tenant = session.exec(select(Tenant).where(Tenant.slug == demo.slug)).first()
        if tenant is None:
            create_tenant(session, slug=demo.slug, numbers=[demo.number],
                          yaml_text=demo_script_text(demo.script_file), author="seed-demo")
            created.append(demo.slug)
        else:  # seeded before agendas existed
            ensure_main_agenda(session, tenant=tenant,
                               script=parse_script(demo_script_text(demo.script_file)))
    return created


DEMO_OWNER = "owner@demo.test"
DEMO_OPERATOR = "operator@demo.test"


def first_run_passwords() -> dict[str, tuple[str, str]]:
    """Fresh random passwords of the demo accounts and their hashes, by email: made
    before the transaction that stores them (hashing is slow on purpose)."""
    fresh = {}
    for email in (DEMO_OWNER, DEMO_OPERATOR):
        password = secrets.token_urlsafe(12)
        fresh[email] = (password, users.hash_password(password))
    return fresh


def first_run_accounts(session: Session,
                       passwords: Mapping[str, tuple[str, str]] | None = None
                       ) -> list[tuple[str, str, str]]:
    """On a database without accounts: the demo owner (of `demo`) and the demo operator
    (of both demo businesses), with fresh random passwords (`first_run_passwords`),
    returned once as (role, email, password) to be shown. Dev mode only: the caller
    checks it."""
    if users.has_accounts(session):
        return []
    fresh = passwords if passwords is not None else first_run_passwords()
    made = []
    businesses = {demo.slug: session.exec(select(Tenant).where(Tenant.slug == demo.slug))
                  .first() for demo in DEMO_TENANTS}
    owned = [t for t in (businesses.get("demo"),) if t is not None]
    run = [t for t in businesses.values() if t is not None]
    for role, email, tenants in (("owner", DEMO_OWNER, owned),
                                 ("operator", DEMO_OPERATOR, run)):
        if role == "owner" and len(tenants) != 1:
            continue
        password, password_hash = fresh[email]
        users.create_user(session, email=email, password=password, role=role,
                          tenants=tenants, password_hash=password_hash)
        made.append((role, email, password))
    return made
