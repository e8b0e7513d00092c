from __future__ import annotations

from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.tenants.tokens import TOKEN_PREFIX, create_token, digest, find_token
from tests.conftest import FixedClock


def test_a_token_is_found_by_its_header_and_only_its_digest_is_stored(
        session: Session, clock: FixedClock) -> None:
    demo = get_tenant(session, slug="demo")
    token = create_token(session, tenant=demo, name="crm", now=clock())
    session.commit()
    assert token.startswith(TOKEN_PREFIX) and digest(token) != token
    grant = find_token(session, f"Bearer {token}")
    assert grant is not None and (grant.tenant_id, grant.user_id) == (demo.id, None)
    for header in ("", token, f"Basic {token}", "Bearer ", f"Bearer {token}x",
                   "Bearer " + "a" * 300):
        assert find_token(session, header) is None, header
