"""Errors under /admin are pages in the reader's language; the API keeps its JSON."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.admin.error_pages import is_admin_page, preferred_language
from receptionist.config import Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime
from tests.admin.helpers import create_accounts, csrf_of, login


def _is_page(response: object, status: int, *words: str) -> None:
    assert getattr(response, "status_code") == status  # noqa: B009
    text = getattr(response, "text")  # noqa: B009
    assert getattr(response, "headers")["content-type"].startswith("text/html")  # noqa: B009
    assert "<title>" in text and '"detail"' not in text
    for word in words:
        assert word in text, (word, text[:2000])


def test_an_unknown_page_is_a_page_in_the_browsers_language(client: TestClient) -> None:
    _is_page(client.get("/admin/nowhere"), 404, "<title>Page not found", "Log in")
    _is_page(client.get("/admin/nowhere", headers={"Accept-Language": "fr-CA,en;q=0.5"}),
             404, "Page introuvable", 'lang="fr"')


def test_a_signed_in_reader_gets_their_language_and_the_menu(client: TestClient,
                                                             session: Session) -> None:
    create_accounts(session)
    login(client, "owner@demo-fr.test")
    response = client.get("/admin/t/demo/inbox")  # another business's
    _is_page(response, 404, "Page introuvable", "Déconnexion")
    response = client.get("/admin/t/demo-fr/calls/CAnothing")
    _is_page(response, 404, "Page introuvable")


def test_a_refused_form_and_an_expired_one_are_pages(client: TestClient,
                                                     session: Session) -> None:
    create_accounts(session)
    login(client, "agency@ops.test")
    page = client.get("/admin/tenants")
    response = client.post("/admin/language", data={"csrf": csrf_of(page.text)})
    _is_page(response, 422, "This request could not be read")
    response = client.post("/admin/tenants", data={"csrf": "forged", "slug": "x"})
    _is_page(response, 403, "This form has expired")


def test_the_api_and_webhooks_keep_json(client: TestClient) -> None:
    response = client.get("/api/v1/tenants/demo/calls")
    assert response.status_code == 401 and response.json()
    response = client.get("/nowhere")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_a_failure_is_a_page_under_admin_and_json_elsewhere(settings: Settings,
                                                            runtime: Runtime) -> None:
    app: FastAPI = create_app(settings, runtime=runtime)

    def boom() -> None:
        raise RuntimeError("broken")

    app.add_api_route("/admin/boom", boom)
    app.add_api_route("/elsewhere/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        _is_page(client.get("/admin/boom"), 500, "Something went wrong")
        response = client.get("/elsewhere/boom")
        assert response.status_code == 500 and response.json() == {"detail": "internal error"}


@pytest.mark.parametrize(("header", "language"), [
    ("", "en"), ("fr-FR,fr;q=0.9,en;q=0.8", "fr"), ("de-DE, en;q=0.3, fr;q=0.7", "fr"),
    ("de", "en"), ("fr;q=abc, en", "en"), ("EN-gb", "en")])
def test_the_browsers_language(header: str, language: str) -> None:
    assert preferred_language(header) == language


def test_which_paths_are_admin_pages() -> None:
    class Url:
        def __init__(self, path: str) -> None:
            self.path = path

    class Request:
        def __init__(self, path: str) -> None:
            self.url = Url(path)

    assert is_admin_page(Request("/admin"))  # type: ignore[arg-type]
    assert is_admin_page(Request("/admin/t/demo/x"))  # type: ignore[arg-type]
    assert not is_admin_page(Request("/administrator"))  # type: ignore[arg-type]
    assert not is_admin_page(Request("/admin/static/x.css"))  # type: ignore[arg-type]
    assert not is_admin_page(Request("/api/v1/x"))  # type: ignore[arg-type]


def test_the_login_page_speaks_the_browsers_language(client: TestClient) -> None:
    french = client.get("/admin/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert 'lang="fr"' in french.text and "<title>Connexion" in french.text
    assert 'lang="en"' in client.get("/admin/login").text
