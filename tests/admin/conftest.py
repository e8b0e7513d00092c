"""Fixtures of the admin UI tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, login


@pytest.fixture
def operator(session: Session, client: TestClient) -> TestClient:
    demo = get_tenant(session, slug="demo")
    create_user(session, email="agency@ops.test", password=PASSWORD, role="operator",
                tenants=[demo])
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[demo])
    session.commit()
    login(client, "agency@ops.test")
    return client
