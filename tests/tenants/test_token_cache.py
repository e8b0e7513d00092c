from __future__ import annotations

from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.tenants.token_cache import TokenCache
from receptionist.tenants.tokens import TokenGrant, create_token, digest, find_token
from tests.conftest import FixedClock


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _grant(session: Session, clock: FixedClock, slug: str = "demo") -> tuple[str, TokenGrant]:
    tenant = get_tenant(session, slug=slug)
    token = create_token(session, tenant=tenant, name="crm", now=clock())
    session.commit()
    grant = find_token(session, f"Bearer {token}")
    assert grant is not None
    return token, grant


def test_a_grant_is_answered_until_its_time_is_up(session: Session, clock: FixedClock) -> None:
    ticks = Ticks()
    cache = TokenCache(ttl_s=5, clock=ticks)
    token, grant = _grant(session, clock)
    header = f"Bearer {token}"
    assert cache.get(header) is None
    cache.put(header, grant)
    ticks.now += 4.9
    kept = cache.get(header)
    assert kept is not None
    assert (kept.tenant_id, kept.user_id, kept.tenant.slug) == (grant.tenant_id, None, "demo")
    assert cache.get(f"bearer   {token}  ") is not None  # the same token, as find_token reads it
    ticks.now += 0.1
    assert cache.get(header) is None and len(cache) == 0


def test_each_answer_is_a_business_of_its_own(session: Session, clock: FixedClock) -> None:
    """Two requests never share one ORM object (each may attach it to its own session)."""
    cache = TokenCache(clock=Ticks())
    token, grant = _grant(session, clock)
    cache.put(f"Bearer {token}", grant)
    first, second = cache.get(f"Bearer {token}"), cache.get(f"Bearer {token}")
    assert first is not None and second is not None
    assert first.tenant is not second.tenant and first.tenant is not grant.tenant
    assert first.tenant.model_dump() == grant.tenant.model_dump()


def test_a_forgotten_token_is_read_again_and_never_kept_again(session: Session,
                                                              clock: FixedClock) -> None:
    cache = TokenCache(clock=Ticks())
    token, grant = _grant(session, clock)
    cache.put(f"Bearer {token}", grant)
    cache.forget(digest(token))
    assert cache.get(f"Bearer {token}") is None
    # A request that read the token just before it was revoked cannot keep it again.
    cache.put(f"Bearer {token}", grant)
    assert cache.get(f"Bearer {token}") is None and len(cache) == 0


def test_headers_that_carry_no_token_are_never_kept(session: Session,
                                                    clock: FixedClock) -> None:
    cache = TokenCache(clock=Ticks())
    token, grant = _grant(session, clock)
    for header in ("", token, f"Basic {token}", "Bearer ", "Bearer " + "a" * 300):
        cache.put(header, grant)
        assert cache.get(header) is None, header
    assert len(cache) == 0


def test_the_oldest_go_first_past_the_limit(session: Session, clock: FixedClock) -> None:
    cache = TokenCache(max_entries=2, clock=Ticks())
    tokens = [_grant(session, clock) for _ in range(3)]
    for token, grant in tokens:
        cache.put(f"Bearer {token}", grant)
    assert len(cache) == 2
    assert cache.get(f"Bearer {tokens[0][0]}") is None
    assert all(cache.get(f"Bearer {token}") is not None for token, _ in tokens[1:])
