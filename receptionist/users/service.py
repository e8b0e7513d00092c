"""Accounts: creation, password checks with lockout, which tenants a user may see."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.catalog_text import CatalogText, Refused
from receptionist.i18n import N_, lang_key
from receptionist.tenants.models import Tenant
from receptionist.users.models import User, UserTenant

ROLES = ("owner", "operator")
# The one answer to a failed login, whether the account exists or not.
WRONG_LOGIN = CatalogText(N_("refusal.account.wrong_login"))
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Argon2 is slow and memory-hard on purpose (tens to hundreds of ms, 64 MiB each): a burst
# of logins hashing at once would take every core from the call path's event loop. At most
# this many run at a time per process; the others wait their turn, holding nothing else.
PASSWORD_CHECKS = max(1, (os.cpu_count() or 2) // 2)
_checks = threading.BoundedSemaphore(PASSWORD_CHECKS)
# Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(Refused):
    pass


def hash_password(password: str) -> str:
    """Argon2 of a new password, slow on purpose: made before the transaction that
    stores it (`create_user`, `set_password`: `password_hash`)."""
    return _hasher.hash(password)


def create_user(session: Session, *, email: str, password: str, role: str,
                tenants: list[Tenant], language: str = "en",
                password_hash: str | None = None) -> User:
    """A new account; `password_hash`, when given, is `hash_password(password)`."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(N_("refusal.account.role"), roles=", ".join(ROLES))
    if "@" not in email:
        raise AccountError(N_("refusal.account.not_an_email"))
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("refusal.account.password_short"), n=MIN_PASSWORD)
    if role == "owner" and len(tenants) != 1:
        raise AccountError(N_("refusal.account.owner_one_business"))
    if session.execute(select(User).where(col(User.email) == email)).scalar() is not None:
        raise AccountError(N_("refusal.account.exists"), email=email)
    user = User(email=email, password_hash=password_hash or _hasher.hash(password), role=role,
                language=lang_key(language))
    session.add(user)
    session.flush()
    assert user.id is not None
    for tenant in tenants:
        assert tenant.id is not None
        session.add(UserTenant(user_id=user.id, tenant_id=tenant.id))
    return user


@dataclass(frozen=True)
class Credentials:
    """What a login checks, read in one statement so that the (slow) password check runs
    with no connection held: the account (None: unknown email) and its hash."""

    user_id: int | None
    password_hash: str


def credentials(session: Session, *, email: str) -> Credentials:
    row = session.execute(select(col(User.id), col(User.password_hash)).where(
        col(User.email) == email.strip().lower())).first()
    # An unknown email is checked against a dummy hash: it takes as long as a wrong password.
    return Credentials(None, _DUMMY_HASH) if row is None else Credentials(row[0], row[1])


def password_matches(found: Credentials, password: str) -> bool:
    """Argon2 takes tens of milliseconds by design: call it outside any transaction."""
    return _verify(found.password_hash, password) and found.user_id is not None


def new_hash_if_needed(found: Credentials, password: str) -> str | None:
    """A fresh hash when the stored one uses weaker parameters than today's (after a
    successful check), else None. Computed outside the transaction that stores it."""
    if found.user_id is None or not _hasher.check_needs_rehash(found.password_hash):
        return None
    with _checks:
        return _hasher.hash(password)


def logged_in(session: Session, found: Credentials, new_hash: str | None) -> User | None:
    """The account after a successful check (its new hash stored, if any); None if it was
    deleted meanwhile."""
    user = session.get(User, found.user_id) if found.user_id is not None else None
    if user is not None and new_hash is not None:
        user.password_hash = new_hash
        session.add(user)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        with _checks:
            return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password_hash(user: User, *, current: str, new: str) -> str:
    """The hash of `new` once `current` is checked (both slow on purpose: call it outside
    any transaction, then `store_password`)."""
    if not _verify(user.password_hash, current):
        raise AccountError(N_("refusal.account.wrong_password"))
    if len(new) < MIN_PASSWORD:
        raise AccountError(N_("refusal.account.password_short"), n=MIN_PASSWORD)
    with _checks:
        return _hasher.hash(new)


def store_password(session: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.session_version += 1  # every other session ends
    session.add(user)


def has_accounts(session: Session) -> bool:
    return session.execute(select(col(User.id)).limit(1)).first() is not None


def set_password(session: Session, *, email: str, new: str,
                 password_hash: str | None = None) -> User:
    """An administrator's reset (the command line): no current password, every session
    of the account ends. `password_hash`, when given, is `hash_password(new)`."""
    user: User | None = session.execute(select(User).where(
        col(User.email) == email.strip().lower())).scalar()
    if user is None:
        raise AccountError(N_("refusal.account.unknown"), email=repr(email))
    if len(new) < MIN_PASSWORD:
        raise AccountError(N_("refusal.account.password_short"), n=MIN_PASSWORD)
    user.password_hash = password_hash or _hasher.hash(new)
    user.session_version += 1
    session.add(user)
    return user


def tenants_of(session: Session, user: User) -> list[Tenant]:
    return list(session.execute(
        select(Tenant).join(UserTenant, col(UserTenant.tenant_id) == Tenant.id)
        .where(col(UserTenant.user_id) == user.id).order_by(col(Tenant.slug))).scalars())


def tenant_for(session: Session, user: User, slug: str) -> Tenant | None:
    """The tenant `slug` if this user may see it: otherwise None, exactly as if it did not
    exist (the pages answer 404 either way)."""
    return session.execute(
        select(Tenant).join(UserTenant, col(UserTenant.tenant_id) == Tenant.id)
        .where(col(UserTenant.user_id) == user.id, col(Tenant.slug) == slug)).scalar()
