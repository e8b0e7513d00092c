"""API bearer tokens: each belongs to one tenant (and may act for one account). Only a
token's SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
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
    # The token's business, read with it (one query per API request instead of two).
    tenant: Tenant


def bearer_digest(header: str) -> str | None:
    """The SHA-256 of the token an `Authorization: Bearer …` header carries (as stored),
    or None when the header carries no token that could be ours."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return None
    return digest(token.strip())


def find_token(session: Session, header: str) -> TokenGrant | None:
    """The live token an `Authorization: Bearer …` header names, or None."""
    token_sha256 = bearer_digest(header)
    if token_sha256 is None:
        return None
    row = session.execute(_LIVE_TOKEN, {"digest": token_sha256}).first()
    if row is None:
        return None
    tenant, user_id = row
    assert tenant.id is not None
    return TokenGrant(tenant_id=tenant.id, user_id=user_id, tenant=tenant)


# Built once: every API request runs it (expression building costs more than the query).
_LIVE_TOKEN = select(Tenant, col(ApiToken.user_id)).join(
    ApiToken, col(ApiToken.tenant_id) == col(Tenant.id)).where(
    col(ApiToken.token_sha256) == bindparam("digest"), col(ApiToken.revoked_at).is_(None)
).limit(1)


def live_tokens(session: Session, *, tenant_id: int) -> list[ApiToken]:
    return list(session.execute(select(ApiToken).where(
        col(ApiToken.tenant_id) == tenant_id, col(ApiToken.revoked_at).is_(None))).scalars())
