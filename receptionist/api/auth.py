"""Bearer tokens for the JSON API: each token belongs to one tenant, and a request for any
other tenant's data answers 404, exactly as for a tenant that does not exist."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.db import SessionDep
from receptionist.tenants.models import ApiToken, Tenant
from receptionist.users import service as users
from receptionist.users.models import User

TOKEN_PREFIX = "rcp_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, *, tenant: Tenant, name: str, now: datetime,
                 user: User | None = None) -> str:
    """A new token for `tenant` (acting for `user`, if given); only its digest is stored,
    so show it now or never."""
    assert tenant.id is not None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(tenant_id=tenant.id, name=name, token_sha256=digest(token),
                         created_at=now, user_id=user.id if user is not None else None))
    return token


# Where request_guards leaves the token it checked before the body was read.
STATE_KEY = "api_token"


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


def tenant_from_token(request: Request, session: SessionDep, slug: str) -> Tenant:
    """The tenant named in the path, if the request's token may see it (else 401 / 404)."""
    row = getattr(request.state, STATE_KEY, None)
    if not isinstance(row, TokenGrant):  # an app mounted without request_guards
        row = find_token(session, request.headers.get("authorization", ""))
    if row is None:
        raise HTTPException(401, "missing, unknown or revoked bearer token "
                                 "(Authorization: Bearer <token>)",
                            headers={"WWW-Authenticate": "Bearer"})
    tenant = session.get(Tenant, row.tenant_id)
    if tenant is None or tenant.slug != slug:
        raise HTTPException(404, "no such tenant")
    if row.user_id is not None:
        # A token acting for an account stops with the account's access to the business.
        user = session.get(User, row.user_id)
        if user is None or users.tenant_for(session, user, slug) is None:
            raise HTTPException(404, "no such tenant")
    return tenant


TenantDep = Annotated[Tenant, Depends(tenant_from_token)]
