"""Logging in to the admin UI as a browser would (cookie + CSRF token from the form)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

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
