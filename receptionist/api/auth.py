"""Bearer tokens for the JSON API: each token belongs to one tenant, and a request for any
other tenant's data answers 404, exactly as for a tenant that does not exist."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from receptionist.db import Database
from receptionist.tenants.models import Tenant
from receptionist.tenants.tokens import TokenGrant, find_token
from receptionist.users import service as users
from receptionist.users.models import User
from receptionist.web_deps import runtime_of

# Where request_guards leaves the token it checked before the body was read.
STATE_KEY = "api_token"


async def tenant_from_token(request: Request, slug: str) -> Tenant:
    """The tenant named in the path, if the request's token may see it (else 401 / 404).

    The token was read with its business by `request_guards` before the body: a token of
    the business itself is answered here, with no statement and no thread hop (on
    PostgreSQL every `Database.run` is one); only a token acting for an account reads
    that account's access."""
    grant = getattr(request.state, STATE_KEY, None)
    if isinstance(grant, TokenGrant) and grant.user_id is None:
        return _tenant_of(grant, slug)
    database = runtime_of(request).database
    return await database.run(partial(
        _tenant_for, database, grant if isinstance(grant, TokenGrant) else None,
        request.headers.get("authorization", ""), slug))


def _tenant_of(grant: TokenGrant, slug: str) -> Tenant:
    if grant.tenant.slug != slug:
        raise HTTPException(404, "no such tenant")
    return grant.tenant


def _tenant_for(database: Database, row: TokenGrant | None, header: str, slug: str) -> Tenant:
    with database.read_session() as session:
        if row is None:  # an app mounted without request_guards
            row = find_token(session, header)
        if row is None:
            raise HTTPException(401, "missing, unknown or revoked bearer token "
                                     "(Authorization: Bearer <token>)",
                                headers={"WWW-Authenticate": "Bearer"})
        tenant = _tenant_of(row, slug)
        if row.user_id is not None:
            # A token acting for an account stops with the account's access to the
            # business.
            user = session.get(User, row.user_id)
            if user is None or users.tenant_for(session, user, slug) is None:
                raise HTTPException(404, "no such tenant")
        return tenant


TenantDep = Annotated[Tenant, Depends(tenant_from_token)]
