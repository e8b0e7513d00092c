"""The owner's settings page: channels, quiet hours and digest time, calendar link, API
tokens; validation errors are explained; another business's rows are 404."""

from __future__ import annotations

import re

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from receptionist.call_flows.publishing import active_script
from receptionist.config import Settings
from receptionist.notifications.models import NotificationChannel, NotificationSettings
from receptionist.privacy.models import ErasureRequest
from receptionist.secret_box import unseal
from receptionist.speech.audio import read_wav
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login


@pytest.fixture
def owner(session: Session, client: TestClient) -> str:
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[get_tenant(session, slug="demo")])
    session.commit()
    login(client, "owner@demo.test")
    return csrf_of(client.get("/admin/t/demo/settings").text)


@pytest.mark.usefixtures("public_names")
def test_channels_quiet_hours_and_digest(client: TestClient, session: Session,
                                         settings: Settings, owner: str) -> None:
    base = "/admin/t/demo/settings"
    bad = client.post(f"{base}/channels", data={"csrf": owner, "channel": "sms",
                                                "target": "555", "summaries": "true"})
    assert bad.status_code == 400 and "E.164" in bad.text
    hook = client.post(f"{base}/channels", data={
        "csrf": owner, "channel": "webhook", "target": "https://crm.example.com/hook",
        "summaries": "true", "digest": "true"})
    shown = re.search(r'<code class="secret">([^<]+)</code>', hook.text)
    assert shown is not None
    [row] = session.execute(select(NotificationChannel)).scalars().all()
    assert row.secret is not None and unseal(settings.secret_key, row.secret) == shown.group(1)
    assert row.events == "call_summary,digest"
    client.post(f"{base}/notifications", data={"csrf": owner, "quiet_start": "20:00",
                                               "quiet_end": "08:00", "digest_time": "18:30"})
    tenant_id = get_tenant(session, slug="demo").id
    session.expire_all()
    prefs = session.get(NotificationSettings, tenant_id)
    assert prefs is not None
    assert (prefs.quiet_start, prefs.quiet_end, prefs.digest_time) == ("20:00", "08:00",
                                                                       "18:30")
    wrong = client.post(f"{base}/notifications", data={"csrf": owner, "quiet_start": "20:00"})
    assert wrong.status_code == 400 and "quiet hours need" in wrong.text
    client.post(f"{base}/channels/{row.id}/remove", data={"csrf": owner})
    session.expire_all()
    assert session.get(NotificationChannel, row.id).active is False  # type: ignore[union-attr]


def test_api_token_from_the_page_works_then_is_revoked(client: TestClient,
                                                       owner: str) -> None:
    page = client.post("/admin/t/demo/settings/tokens", data={"csrf": owner, "name": "crm"})
    token = re.search(r'<code class="secret">([^<]+)</code>', page.text)
    assert token is not None
    api = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/api/v1/tenants/demo/calls", headers=api).status_code == 200
    token_id = re.search(r'/settings/tokens/(\d+)/revoke', page.text)
    assert token_id is not None
    client.post(f"/admin/t/demo/settings/tokens/{token_id.group(1)}/revoke",
                data={"csrf": owner})
    assert client.get("/api/v1/tenants/demo/calls", headers=api).status_code == 401


@pytest.mark.usefixtures("public_names")
def test_calendar_link_and_isolation(client: TestClient, session: Session,
                                     owner: str) -> None:
    done = client.post("/admin/t/demo/settings/agendas/main/caldav", data={
        "csrf": owner, "url": "https://dav.example.com/owner/practice", "username": "owner",
        "password": "calendar secret"}, follow_redirects=True)
    assert "calendar linked" in done.text and "https://dav.example.com/owner/practice/" in done.text
    assert client.post("/admin/t/demo-fr/settings/agendas/main/caldav",
                       data={"csrf": owner, "url": ""}).status_code == 404
    assert client.post("/admin/t/demo/settings/agendas/nope/caldav",
                       data={"csrf": owner, "url": ""}).status_code == 404


def test_agenda_rules(client: TestClient, session: Session, owner: str) -> None:
    from receptionist.appointments import agendas

    url = "/admin/t/demo/settings/agendas/main/rules"
    form = {"csrf": owner, "hours": "mon 09:00-12:00 14:00-18:00\ntue 10:00-16:00",
            "closures": "2026-12-24 2026-12-26 Christmas break\n2027-01-01",
            "slot_minutes": "45", "buffer_minutes": "15", "min_notice_minutes": "120",
            "horizon_days": "30", "reminder_hours": "12"}
    done = client.post(url, data=form, follow_redirects=True)
    assert "main saved" in done.text and "mon 09:00-12:00 14:00-18:00" in done.text
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    session.expire_all()
    agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert agenda is not None
    assert (agenda.slot_minutes, agenda.buffer_minutes, agenda.horizon_days) == (45, 15, 30)
    assert '"name": "Christmas break"' in agenda.closures and '"2027-01-01"' in agenda.closures
    for field, value, reason in (("hours", "funday 09:00-10:00", "write a day"),
                                 ("hours", "mon 18:00-09:00", "ends before it starts"),
                                 ("closures", "christmas", "start with a date"),
                                 ("slot_minutes", "7", "multiple of 5")):
        bad = client.post(url, data={**form, field: value})
        assert bad.status_code == 400 and reason in bad.text, (field, value)
    session.expire_all()
    again = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert again is not None and again.slot_minutes == 45  # refused changes left nothing


def test_retention_and_erasure_from_the_page(client: TestClient, session: Session,
                                             owner: str) -> None:
    base = "/admin/t/demo/settings"
    bad = client.post(f"{base}/retention", data={"csrf": owner, "days": "0"})
    assert bad.status_code == 400 and "1 to 3650" in bad.text
    assert client.post(f"{base}/retention", data={"csrf": owner, "days": "90"},
                       follow_redirects=False).status_code == 303
    session.expire_all()
    assert get_tenant(session, slug="demo").retention_days == 90
    wrong = client.post(f"{base}/erasures", data={"csrf": owner, "phone": "call me"})
    assert wrong.status_code == 400 and "international form" in wrong.text
    client.post(f"{base}/erasures", data={"csrf": owner, "phone": "+1 555 111 2222"})
    page = client.get(base).text
    assert "+15551112222" in page and "pending" in page  # until the worker has done it
    [request] = session.execute(select(ErasureRequest)).scalars().all()
    assert (request.phone, request.requested_by) == ("+15551112222", "owner@demo.test")
    assert client.post(f"{base}/erasures", data={"csrf": "forged", "phone": "+15551112222"}
                       ).status_code in (400, 403)
    assert client.post("/admin/t/demo-fr/settings/retention",
                       data={"csrf": owner, "days": "5"}).status_code == 404
    assert client.post(f"{base}/retention", data={"csrf": owner, "days": ""},
                       follow_redirects=False).status_code == 303
    session.expire_all()
    assert get_tenant(session, slug="demo").retention_days is None


def test_a_calendar_cannot_be_linked_over_a_busy_feed(client: TestClient, session: Session,
                                                      owner: str) -> None:
    from receptionist.appointments import agendas

    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert agenda is not None
    agenda.busy_feed_url = "sealed-feed-address"
    session.add(agenda)
    session.commit()
    refused = client.post("/admin/t/demo/settings/agendas/main/caldav", data={
        "csrf": owner, "url": "https://dav.example.com/owner/practice", "username": "owner",
        "password": "calendar secret"})
    assert "unlink it first" in refused.text
    # An empty calendar form leaves the feed alone.
    client.post("/admin/t/demo/settings/agendas/main/caldav", data={"csrf": owner, "url": ""})
    session.expire_all()
    kept = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert kept is not None and kept.busy_feed_url == "sealed-feed-address"
    assert kept.caldav_url is None


def test_a_busy_feed_is_linked_from_the_page_and_never_shown_back(
        client: TestClient, session: Session, settings: Settings, owner: str) -> None:
    from receptionist.appointments import agendas

    url = "/admin/t/demo/settings/agendas/main/feed"
    secret = "http://127.0.0.1:9/calendar/ical/owner/private-5ecret/basic.ics"
    refused = client.post(url, data={"csrf": owner,
                                     "url": "http://169.254.169.254/latest/meta-data"})
    assert "feed URL refused" in refused.text
    assert client.post(url, data={"csrf": "forged", "url": secret}).status_code == 403
    done = client.post(url, data={"csrf": owner, "url": secret}, follow_redirects=True)
    assert "feed linked" in done.text and "Busy times read from an iCalendar feed" in done.text
    assert "5ecret" not in done.text
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    session.expire_all()
    agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert agenda is not None and agenda.busy_feed_url is not None
    assert unseal(settings.secret_key, agenda.busy_feed_url) == secret
    # Another business's agenda is a 404.
    assert client.post("/admin/t/demo-fr/settings/agendas/main/feed",
                       data={"csrf": owner, "url": ""}).status_code == 404
    gone = client.post(url, data={"csrf": owner, "url": ""}, follow_redirects=True)
    assert "feed unlinked" in gone.text
    session.expire_all()
    agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert agenda is not None and agenda.busy_feed_url is None


def test_the_owner_hears_each_local_voice_and_chooses_one(client: TestClient,
                                                          session: Session,
                                                          owner: str) -> None:
    base = "/admin/t/demo/settings"
    page = client.get(base).text
    assert 'name="voice" value="local:piper:en_US-joe-medium"' in page
    assert 'value="local:pico:en-GB"' in page and "local:pico:fr-FR" not in page
    sample = client.get(f"{base}/voices/sample", params={"voice": "local:pico:en-US"})
    assert sample.status_code == 200 and sample.headers["content-type"] == "audio/wav"
    samples, rate = read_wav(sample.content)
    assert rate == 8000 and samples.size > 8000  # more than a second, as on the phone
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 300
    for other in ("local:pico:fr-FR", "local:pico:../../etc", "local", "Polly.Joanna"):
        assert client.get(f"{base}/voices/sample", params={"voice": other}).status_code == 404
    tenant = get_tenant(session, slug="demo")
    before = tenant.active_version
    chosen = client.post(f"{base}/voice", data={"csrf": owner, "voice": "local:pico:en-GB"},
                         follow_redirects=False)
    assert chosen.status_code == 303
    session.expire_all()
    tenant = get_tenant(session, slug="demo")
    assert tenant.active_version == (before or 0) + 1
    assert active_script(session, tenant=tenant)[1].voice == "local:pico:en-GB"
    assert 'value="local:pico:en-GB" required checked' in client.get(base).text
    refused = client.post(f"{base}/voice", data={"csrf": owner, "voice": "local:espeak:../x"})
    assert refused.status_code == 404
    unsigned = client.post(f"{base}/voice", data={"voice": "local:pico:en-US"})
    assert unsigned.status_code in (403, 422)  # no CSRF token: nothing published
    session.expire_all()
    assert get_tenant(session, slug="demo").active_version == (before or 0) + 1
