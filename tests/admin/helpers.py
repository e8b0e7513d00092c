"""Logging in to the admin UI as a browser would (cookie + CSRF token from the form)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> tuple[int, str]:
    form = client.get("/admin/login")
    response = client.post("/admin/login", data={
        "email": email, "password": password, "csrf": csrf_of(form.text)},
        follow_redirects=True)
    return response.status_code, response.text


def create_accounts(session: Session) -> None:
    """The demo owners (the French one reads French) and an agency operator of both."""
    demo, demo_fr = get_tenant(session, slug="demo"), get_tenant(session, slug="demo-fr")
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[demo])
    create_user(session, email="owner@demo-fr.test", password=PASSWORD, role="owner",
                tenants=[demo_fr], language="fr")
    create_user(session, email="agency@ops.test", password=PASSWORD, role="operator",
                tenants=[demo, demo_fr])
    session.commit()
