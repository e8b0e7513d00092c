"""Accounts and tokens the attacks in this folder aim at."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD

OWNER, OPERATOR = "owner@demo.test", "agency@ops.test"
__all__ = ["OPERATOR", "OWNER", "PASSWORD"]


@pytest.fixture
def accounts(session: Session) -> None:
    demo, demo_fr = get_tenant(session, slug="demo"), get_tenant(session, slug="demo-fr")
    create_user(session, email=OWNER, password=PASSWORD, role="owner", tenants=[demo])
    create_user(session, email=OPERATOR, password=PASSWORD, role="operator",
                tenants=[demo, demo_fr])
    session.commit()
