"""Keep it closed: every POST form of the admin UI, fuzzed by hypothesis with a logged-in
owner and operator (valid session, valid CSRF token, so the values reach the handlers).
Never a 500, nothing unhandled in the logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from receptionist.demo import demo_script_text
from tests.admin.helpers import csrf_of, login
from tests.security.conftest import OPERATOR, OWNER
from tests.test_fuzz import unhandled

FUZZ = settings(max_examples=20, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
# Forms fuzzed elsewhere or that end the session being used to fuzz.
SKIPPED = {"/admin/login", "/admin/logout", "/admin/password"}
PATH_VALUES: dict[str, list[str]] = {
    "slug": ["demo", "demo-fr", "nobody"],
    "agenda_slug": ["main", "other"],
    "appointment_id": ["1", "999999", "2147483648"],
    "message_id": ["1", "999999"],
    "channel_id": ["1", "999999"],
    "token_id": ["1", "999999"],
    "contact_id": ["1", "999999"],
    "version": ["1", "2", "999"],
}
# Values that have broken parsers before: edges of dates and numbers, markup, options.
NASTY = st.sampled_from([
    "", " ", "0", "-1", "2147483648", "1e309", "NaN", "9999-12-31", "0001-01-01T00:00",
    "2026-11-17T13:00", "24:00-24:00", "00:00-24:00", "+15551234567", "+0", "x" * 5000,
    "<script>alert(1)</script>", "-f /etc/passwd", "http://127.0.0.1:8000/", "\x00", "é" * 50,
    "key: &a [*a, *a]", "true", "false", "on", "email", "webhook", "sms", "check", "publish",
])
VALUE = st.one_of(NASTY, st.text(max_size=60))
DEMO_SCRIPT = demo_script_text("demo.yaml")
# Plausible values per field, so that fuzzing gets past the forms' own validation into the
# handlers and services, where the 500s would hide.
PLAUSIBLE: dict[str, st.SearchStrategy[str]] = {
    "yaml_text": st.one_of(st.just(DEMO_SCRIPT), st.builds(
        lambda cut, junk: DEMO_SCRIPT[:cut] + junk, st.integers(0, len(DEMO_SCRIPT)),
        st.text(max_size=20))),
    "action": st.sampled_from(["check", "publish"]),
    "inputs": st.sampled_from(["1 1 1", "2 msg:3", "say: book", "9 9 9", "hangup"]),
    "caller": st.sampled_from(["+15551112222", "anonymous", ""]),
    "version": st.sampled_from(["1", "2", "0", "-5"]),
    "starts_at": st.sampled_from(["2026-11-17T13:00", "2026-11-18T09:30", "2026-02-30T10:00"]),
    "channel": st.sampled_from(["email", "sms", "webhook"]),
    "target": st.sampled_from(["o@demo.test", "+15557654321", "https://127.0.0.1/h",
                               "http://169.254.169.254/", "not a target"]),
    "days": st.sampled_from(["", "1", "3650", "3651", "0", "-3", "abc"]),
    "phone": st.sampled_from(["+15551112222", "+1", "12345", "+999999999999999999"]),
    "quiet_start": st.sampled_from(["", "20:00", "25:00", "20"]),
    "quiet_end": st.sampled_from(["", "08:00", "24:00"]),
    "digest_time": st.sampled_from(["", "19:00", "7pm"]),
    "name": st.sampled_from(["CRM", "", "x" * 300]),
    "url": st.sampled_from(["", "http://127.0.0.1:5232/u/c/", "https://dav.invalid/c/"]),
    "username": st.sampled_from(["owner", ""]),
    "password": st.sampled_from(["secret", ""]),
    "hours": st.sampled_from(['{"mon": ["09:00-18:00"]}', "{}", "[]", '{"mon": ["18:00-09:00"]}',
                              "not json"]),
    "closures": st.sampled_from(["", "2026-12-24", "2026-12-24 2026-12-26 Christmas",
                                 "9999-12-31", "2026-12-26 2026-12-24"]),
    "slot_minutes": st.sampled_from(["30", "0", "5", "1441"]),
    "buffer_minutes": st.sampled_from(["0", "15", "-1"]),
    "min_notice_minutes": st.sampled_from(["60", "0", "100001"]),
    "horizon_days": st.sampled_from(["30", "0", "100000"]),
    "reminder_hours": st.sampled_from(["24", "0", "1000"]),
    "slug": st.sampled_from(["newbiz", "demo", "Bad Slug"]),
    "numbers": st.sampled_from(["+15550001234", "+33180000000", "+1555000123, +1555000124",
                                "call me"]),
    "language": st.sampled_from(["en-US", "fr-FR", "de-DE"]),
    "timezone": st.sampled_from(["Europe/Paris", "America/New_York", "Mars/Olympus"]),
    "handled": st.sampled_from(["true", "false", "maybe"]),
    "summaries": st.sampled_from(["true", "false"]),
    "digest": st.sampled_from(["true", "false"]),
}


def _value(name: str) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE.get(name)
    return VALUE if plausible is None else st.one_of(plausible, plausible, VALUE)


def _routes(routes: list[Any]) -> list[Any]:
    """Every route, also inside included routers (FastAPI keeps those as one entry)."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)
        found.extend(_routes(included.routes) if included is not None else [route])
    return found


def _post_forms(client: TestClient) -> list[tuple[str, list[tuple[str, bool]]]]:
    forms = []
    for route in _routes(client.app.routes):  # type: ignore[attr-defined]
        if (isinstance(route, APIRoute) and "POST" in (route.methods or ())
                and route.path.startswith("/admin") and route.path not in SKIPPED):
            fields = [(p.alias, p.field_info.is_required()) for p in route.dependant.body_params]
            forms.append((route.path, fields))
    return forms


def _fill(path: str, data: st.DataObject) -> str:
    for name, values in PATH_VALUES.items():
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", data.draw(st.sampled_from(values)))
    assert "{" not in path, f"no values for a path parameter of {path}"
    return path


def _fuzz(client: TestClient, csrf: str, path: str, fields: list[tuple[str, bool]],
          statuses: dict[str, set[int]]) -> None:
    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        url = _fill(path, data)
        # Required fields always (a missing one is a plain 422), optional ones at times.
        form: dict[str, Any] = {name: data.draw(_value(name)) for name, required in fields
                                if name != "csrf" and (required or data.draw(st.booleans()))}
        form["csrf"] = csrf
        response = client.post(url, data=form, follow_redirects=False)
        statuses.setdefault(path, set()).add(response.status_code)
        assert response.status_code < 500, (url, form, response.text[:300])

    check()


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("who", [OWNER, OPERATOR])
def test_every_admin_form(client: TestClient, who: str,
                          caplog: pytest.LogCaptureFixture) -> None:
    assert login(client, who)[0] == 200
    csrf = csrf_of(client.get("/admin/password").text)
    forms = _post_forms(client)
    assert len(forms) >= 12, forms
    caplog.set_level(logging.WARNING)
    statuses: dict[str, set[int]] = {}
    for path, fields in forms:
        _fuzz(client, csrf, path, fields, statuses)
    assert unhandled(caplog) == []
    # The values reached the handlers: some forms were accepted, some refused with reasons.
    codes = set().union(*statuses.values())
    assert codes & {200, 303} and codes & {400, 422}, statuses
