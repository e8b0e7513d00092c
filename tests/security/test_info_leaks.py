"""Finding 10 (info): another tenant's slug in an error, notices any link could write on
our pages, weak production secrets accepted, interactive docs public in production; and
"already exists" telling an operator which slugs other agencies' businesses have."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.config import InsecureSettingsError, Settings, key_bits
from receptionist.main import create_app
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login
from tests.security.conftest import OPERATOR, OWNER


@pytest.mark.usefixtures("accounts")
def test_creating_a_business_does_not_name_the_number_owner(client: TestClient) -> None:
    assert login(client, OPERATOR)[0] == 200
    page = client.get("/admin/tenants")
    response = client.post("/admin/tenants", data={
        "csrf": csrf_of(page.text), "slug": "newbiz", "name": "New", "numbers": "+33180000000",
        "language": "fr-FR", "timezone": "Europe/Paris"})
    assert "already belongs to another business" in response.text
    assert "demo-fr" not in response.text.split('class="error"', 1)[-1].split("</p>", 1)[0]


def _create(client: TestClient, slug: str) -> tuple[int, str]:
    page = client.get("/admin/tenants")
    response = client.post("/admin/tenants", data={
        "csrf": csrf_of(page.text), "slug": slug, "name": "New", "numbers": "+15550009999",
        "language": "en-US", "timezone": "America/New_York"})
    # The slug's own refusal, beside its field.
    return response.status_code, response.text.split('id="err-slug">', 1)[-1].split("</p>")[0]


@pytest.mark.usefixtures("accounts")
def test_creating_a_business_does_not_tell_which_slugs_exist(client: TestClient,
                                                              session: Session) -> None:
    # An operator of another agency (assigned to demo only) probes for demo-fr.
    create_user(session, email="probe@agency.test", password=PASSWORD, role="operator",
                tenants=[get_tenant(session, slug="demo")])
    session.commit()
    assert login(client, "probe@agency.test")[0] == 200
    taken = _create(client, "demo-fr")
    assert taken[0] == 400 and "exists" not in taken[1] and "demo-fr" not in taken[1]
    assert "that slug is not available" in taken[1]
    # The same answer as for a slug no business could have (a reserved word).
    assert _create(client, "admin") == taken
    # A malformed one is told how to write it (it could belong to nobody): no existence.
    for malformed in ("-Not_A_Slug", "x" * 64):
        status, said = _create(client, malformed)
        assert status == 400 and "use lower-case letters" in said and "exists" not in said
    # Its own business: it may say so.
    own = _create(client, "demo")
    assert own[0] == 400 and "already exists" in own[1]
    session.expire_all()
    assert get_tenant(session, slug="demo-fr").name != "New"


@pytest.mark.usefixtures("accounts")
def test_notices_only_show_what_we_wrote(client: TestClient) -> None:
    assert login(client, OWNER)[0] == 200
    forged = client.get("/admin/t/demo/settings?notice=Call+us+at+%2B1900555&n=00")
    assert forged.status_code == 200 and "Call us at" not in forged.text
    unsigned = client.get("/admin/t/demo/settings?notice=Your+account+is+locked")
    assert "Your account is locked" not in unsigned.text
    csrf = csrf_of(forged.text)
    saved = client.post("/admin/t/demo/settings/retention", data={"csrf": csrf, "days": "30"},
                        follow_redirects=True)
    assert "retention saved" in saved.text  # a notice the server wrote still shows


@pytest.mark.parametrize(("token", "key"), [
    ("x", "k" * 40),                                  # not a Twilio token
    ("0" * 32, "Zt4-qL9xN2vR7bK1mW8sE5yH3jC6pF0a"),   # the right shape, no entropy
    ("3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f", "abababababababab"),  # 16 repeated characters
    ("3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f", "s3cr3t-k3y-2026"),   # < 128 bits
    ("3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f", "abcdefghabcdefghabcdefghabcdefgh"),  # repeated chunk
])
def test_weak_production_secrets_are_refused(token: str, key: str) -> None:
    settings = Settings(receptionist_env="production", twilio_auth_token=token, secret_key=key)
    with pytest.raises(InsecureSettingsError):
        settings.check_secrets()


def test_key_strength_estimate() -> None:
    # 32 hex characters: 128 bits at best, less by a conservative estimate (see
    # test_patterned_secrets)
    assert 100 < key_bits("3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f") < 128
    assert key_bits("0123456789abcdef" * 2) == 0  # a repeated chunk
    assert key_bits("Zt4-qL9xN2vR7bK1mW8sE5yH3jC6pF0a") > 128
    assert key_bits("changeme") == 0


def test_docs_are_off_in_production(client: TestClient, settings: Settings,
                                    runtime: Runtime) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200  # the schema stays for clients
    on = settings.model_copy(update={"api_docs": True})
    with TestClient(create_app(on, runtime=runtime)) as with_docs:
        assert with_docs.get("/docs").status_code == 200
    dev = settings.model_copy(update={"receptionist_env": "dev"})
    assert dev.docs_enabled
