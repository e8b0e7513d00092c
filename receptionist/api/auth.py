"""Bearer tokens for the JSON API: each token belongs to one tenant, and a request for any
other tenant's data answers 404, exactly as for a tenant that does not exist."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from receptionist.tenants.models import Tenant
from receptionist.tenants.tokens import TokenGrant, find_token
from receptionist.users import service as users
from receptionist.users.models import User
from receptionist.web_deps import ReadSessionDep, runtime_of

# Where request_guards leaves the token it checked before the body was read.
STATE_KEY = "api_token"


async def tenant_from_token(request: Request, session: ReadSessionDep, slug: str) -> Tenant:
    """The tenant named in the path, if the request's token may see it (else 401 / 404)."""
    grant = getattr(request.state, STATE_KEY, None)
    return await runtime_of(request).database.run(partial(
        _tenant_for, session, grant if isinstance(grant, TokenGrant) else None,
        request.headers.get("authorization", ""), slug))


def _tenant_for(session: Session, row: TokenGrant | None, header: str, slug: str) -> Tenant:
    if row is None:  # an app mounted without request_guards
        row = find_token(session, header)
    if row is None:
        raise HTTPException(401, "missing, unknown or revoked bearer token "
                                 "(Authorization: Bearer <token>)",
                            headers={"WWW-Authenticate": "Bearer"})
    tenant = row.tenant
    if tenant.slug != slug:
        raise HTTPException(404, "no such tenant")
    if row.user_id is not None:
        # A token acting for an account stops with the account's access to the business.
        user = session.get(User, row.user_id)
        if user is None or users.tenant_for(session, user, slug) is None:
            raise HTTPException(404, "no such tenant")
    return tenant


TenantDep = Annotated[Tenant, Depends(tenant_from_token)]
