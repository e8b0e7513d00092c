"""API bearer tokens: each belongs to one tenant (and may act for one account). Only a
token's SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.tenants.models import ApiToken, Tenant

TOKEN_PREFIX = "rcp_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, *, tenant: Tenant, name: str, now: datetime,
                 user_id: int | None = None) -> str:
    """A new token for `tenant` (acting for the account `user_id`, if given); only its
    digest is stored, so show it now or never."""
    assert tenant.id is not None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(tenant_id=tenant.id, name=name, token_sha256=digest(token),
                         created_at=now, user_id=user_id))
    return token


@dataclass(frozen=True)
class TokenGrant:
    tenant_id: int
    user_id: int | None


def find_token(session: Session, header: str) -> TokenGrant | None:
    """The live token an `Authorization: Bearer …` header names, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return None
    row = session.execute(select(ApiToken).where(
        col(ApiToken.token_sha256) == digest(token.strip()),
        col(ApiToken.revoked_at).is_(None))).scalars().first()
    return None if row is None else TokenGrant(tenant_id=row.tenant_id, user_id=row.user_id)


def live_tokens(session: Session, *, tenant_id: int) -> list[ApiToken]:
    return list(session.execute(select(ApiToken).where(
        col(ApiToken.tenant_id) == tenant_id, col(ApiToken.revoked_at).is_(None))).scalars())
