"""Accounts: creation, password checks with lockout, which tenants a user may see."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.tenants.models import Tenant
from receptionist.users.models import User, UserTenant

ROLES = ("owner", "operator")
WRONG_LOGIN = "wrong email or password"
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(ValueError):
    pass


def create_user(session: Session, *, email: str, password: str, role: str,
                tenants: list[Tenant], language: str = "en") -> User:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email:
        raise AccountError("that is not an email address")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    if role == "owner" and len(tenants) != 1:
        raise AccountError("an owner belongs to exactly one business (--tenant)")
    if session.execute(select(User).where(col(User.email) == email)).scalar() is not None:
        raise AccountError(f"{email} already has an account")
    user = User(email=email, password_hash=_hasher.hash(password), role=role,
                language=language if language in ("en", "fr") else "en")
    session.add(user)
    session.flush()
    assert user.id is not None
    for tenant in tenants:
        assert tenant.id is not None
        session.add(UserTenant(user_id=user.id, tenant_id=tenant.id))
    return user


def authenticate(session: Session, *, email: str, password: str) -> tuple[User | None, str]:
    """(user, "") on success, else (None, reason). The reason never tells whether the email
    exists, and nothing here locks an account: repeated failures are slowed down per
    (account, address) by the login page (admin.throttle), so nobody can lock an owner out."""
    user = session.execute(select(User).where(
        col(User.email) == email.strip().lower())).scalar()
    if user is None:
        _verify(_DUMMY_HASH, password)
        return None, WRONG_LOGIN
    if not _verify(user.password_hash, password):
        return None, WRONG_LOGIN
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.add(user)
    return user, ""


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    if not _verify(user.password_hash, current):
        raise AccountError("the current password is wrong")
    if len(new) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(new)
    user.session_version += 1  # every other session ends
    session.add(user)


def has_accounts(session: Session) -> bool:
    return session.execute(select(col(User.id)).limit(1)).first() is not None


def set_password(session: Session, *, email: str, new: str) -> User:
    """An administrator's reset (the command line): no current password, every session
    of the account ends."""
    user: User | None = session.execute(select(User).where(
        col(User.email) == email.strip().lower())).scalar()
    if user is None:
        raise AccountError(f"no account {email!r}")
    if len(new) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(new)
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
