"""Admin pages, CSV exports and API answers had no Cache-Control: a shared proxy or the
browser's disk cache could keep a business's calls, messages and callers' numbers after
logout. Every admin answer (pages, redirects, exports, the login page, refusals) and every
API answer says `Cache-Control: no-store`; the admin's static files stay cacheable."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from fastapi.testclient import TestClient

from tests.admin.helpers import login
from tests.security.conftest import OWNER

API = "/api/v1/tenants/demo"


def _no_store(headers: Mapping[str, str]) -> bool:
    return headers.get("cache-control") == "no-store"


@pytest.mark.usefixtures("accounts")
def test_admin_answers_are_never_stored(client: TestClient) -> None:
    before = [client.get("/admin/login"),
              client.get("/admin/t/demo/inbox", follow_redirects=False),  # to the login
              client.post("/admin/t/demo/settings/retention", data={"days": "1"},
                          follow_redirects=False)]  # refused before its body is read
    assert [r.status_code for r in before] == [200, 303, 303]
    assert login(client, OWNER)[0] == 200
    seen = [client.get(path, follow_redirects=False) for path in (
        "/admin", "/admin/t/demo/inbox", "/admin/t/demo/calls", "/admin/t/demo/contacts",
        "/admin/t/demo/settings", "/admin/t/demo/agenda", "/admin/t/demo/dashboard",
        "/admin/t/demo/export/calls.csv", "/admin/t/demo/export/messages.csv",
        "/admin/t/demo/export/appointments.csv", "/admin/t/demo-fr/inbox",  # 404
        "/admin/t/demo/messages/999/audio")]
    assert [r.status_code for r in seen[7:]] == [200, 200, 200, 404, 404]
    assert seen[7].headers["content-type"].startswith("text/csv")
    for response in before + seen:
        assert _no_store(response.headers), (response.request.url, response.headers)


def test_api_answers_are_never_stored(client: TestClient, demo_token: str) -> None:
    headers = {"Authorization": f"Bearer {demo_token}"}
    seen = [client.get(f"{API}/{what}", headers=headers)
            for what in ("calls", "messages", "appointments", "availability?date=2026-11-18")]
    seen += [client.get(f"{API}/calls"),  # 401, refused by the guards
             client.get("/api/v1/tenants/demo-fr/calls", headers=headers),  # 404
             client.post(f"{API}/appointments", headers=headers, json={"starts_at": "x"})]
    assert [r.status_code for r in seen] == [200, 200, 200, 200, 401, 404, 422]
    for response in seen:
        assert _no_store(response.headers), (response.request.url, response.headers)


def test_static_files_stay_cacheable(client: TestClient) -> None:
    css = client.get("/admin/static/admin.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("cache-control", "")
