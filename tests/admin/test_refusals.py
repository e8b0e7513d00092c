"""The admin's refusals and notices come from the catalogs by message id: the services'
English stays as it was (the CLI and the API), and each refusal the former English → French
table knew gives the same French as before, nested reasons included."""

from __future__ import annotations

import ipaddress

import pytest

from receptionist.admin.script_form import FormError, UnprovenEdit, checked_fields
from receptionist.admin.tenants import SLUG_REFUSED
from receptionist.appointments.booking import NotASlot
from receptionist.call_flows.loader import parse_script
from receptionist.catalog_text import CatalogText, Refused, in_language, said
from receptionist.contacts.service import ContactError, checked_number
from receptionist.demo import demo_script_text
from receptionist.i18n import N_
from receptionist.notifications.email import check_target as email_target
from receptionist.outbound.addresses import refusal
from receptionist.weekly_hours import parse_hours_lines

CONTROL = ("{}: an invisible or control character (U+000D) is not allowed here; type the "
           "text again without it")
FRENCH_CONTROL = ("{}\u202f: un caractère invisible ou de contrôle (U+000D) n'est pas permis "
                  "ici\u202f; retapez le texte sans lui")


def _refusal(call: object, *args: object) -> Refused:
    with pytest.raises(Refused) as info:
        call(*args)  # type: ignore[operator]
    return info.value


@pytest.mark.parametrize(("field", "label", "french"), [
    ("business", "business name", "nom de l'entreprise"), ("greeting", "greeting", "accueil"),
    ("hours", "hours", "horaires"), ("holidays", "holidays", "jours fériés"),
    ("faq.1", "answer 2", "réponse 2"), ("choice.0.label", "menu choice book",
                                        "choix du menu book"),
    ("choice.new.label", "new menu choice", "nouveau choix du menu"),
    ("transfer.transfer", "transfer numbers (transfer)", "numéros de transfert (transfer)"),
    ("message.message", "message prompt (message)", "annonce du message (message)"),
])
def test_a_refused_character_names_its_field_in_each_language(
        field: str, label: str, french: str) -> None:
    script = parse_script(demo_script_text("demo.yaml"))
    refused = _refusal(checked_fields, {field: "a\rb"}, script)
    assert isinstance(refused, FormError) and refused.text.msgid == "refusal.form.character"
    assert str(refused) == CONTROL.format(label)
    assert in_language(refused, "fr") == FRENCH_CONTROL.format(french)


def test_the_proof_and_the_slug_refusals() -> None:
    unproven = UnprovenEdit(["voice"])
    assert unproven.text.msgid == "refusal.form.unproven"
    assert str(unproven) == ("this change could not be written without changing other parts "
                             "of the script: nothing was published")
    assert in_language(unproven, "fr") == (
        "ce changement ne peut pas s'écrire sans changer d'autres parties du script\u202f: rien "
        "n'a été publié")
    assert SLUG_REFUSED.msgid == "refusal.tenant.slug_refused"
    assert SLUG_REFUSED.in_language("fr").startswith("ce slug n'est pas disponible")
    assert SLUG_REFUSED.in_language("en") == str(SLUG_REFUSED) == (
        "that slug is not available: choose another (2 to 63 lower-case letters, digits or "
        "hyphens)")


def test_nested_reasons_as_the_pages_build_them() -> None:
    too_soon = NotASlot(N_("refusal.booking.too_soon"), minutes=60)
    moved = CatalogText(N_("refusal.not_moved"), reason=too_soon.text)
    assert str(moved) == "not moved: too soon: at least 60 minutes' notice"
    assert in_language(moved, "fr") == ("non déplacé\u202f: trop tôt\u202f: au moins "
                                        "60 minutes de préavis")
    hours = _refusal(parse_hours_lines, "mon 09:00-12:00\nlundi 9-12")
    saved = CatalogText(N_("refusal.settings.agenda"), agenda="main", reason=hours.text)
    assert str(saved) == ("main: hours, line 2: write a day (mon, tue, wed, thu, fri, sat, "
                          "sun) then ranges such as 09:00-12:00")
    assert in_language(saved, "fr") == (
        "main\u202f: horaires, ligne 2\u202f: écrivez un jour (mon, tue, wed, thu, fri, sat, sun) "
        "puis des plages comme 09:00-12:00")
    why = refusal(ipaddress.ip_address("10.0.0.8"), ())
    assert why is not None
    refused = CatalogText(N_("refusal.settings.feed_url"), reason=CatalogText(
        N_("refusal.url.not_public"), host="cal.example", why=why))
    assert str(refused) == (
        "feed URL refused: cal.example is at 10.0.0.8, a private, loopback, link-local or "
        "reserved address: only public addresses can be called (an administrator can allow "
        "a network with OUTBOUND_ALLOW_NETWORKS)")
    assert in_language(refused, "fr") == (
        "adresse du flux refusée\u202f: cal.example est à l'adresse 10.0.0.8, privée, locale ou "
        "réservée\u202f: seules les adresses publiques sont appelées (un administrateur peut "
        "autoriser un réseau avec OUTBOUND_ALLOW_NETWORKS)")


def test_the_services_refusals_in_french() -> None:
    number = _refusal(checked_number, "555-1234")
    assert isinstance(number, ContactError)
    assert in_language(number, "fr") == (
        "un numéro s'écrit +, l'indicatif du pays et le numéro, en chiffres seulement "
        "(E.164), par exemple +15551230001")
    target = _refusal(email_target, "a@b.example, c@d.example", None, None)
    assert in_language(target, "fr") == (
        "la cible d'un e-mail doit être une adresse comme owner@example.com (une seule, sans "
        "nom, espaces ni retours à la ligne)")
    assert in_language(_refusal(parse_hours_lines, "mon 18:00-09:00"), "fr") == (
        "la plage «\u202f18:00-09:00\u202f» finit avant de commencer")


@pytest.mark.parametrize(("notice", "english", "french"), [
    (CatalogText(N_("admin.notice.published"), version=7), "published v7", "version 7 publiée"),
    (CatalogText(N_("admin.notice.email_added")), "email added", "e-mail ajouté"),
    (CatalogText(N_("admin.notice.saved")), "saved", "enregistré"),
    (CatalogText(N_("admin.notice.agenda_saved"), agenda="main"), "main saved",
     "main enregistré"),
])
def test_notices(notice: CatalogText, english: str, french: str) -> None:
    assert (str(notice), notice.in_language("fr-FR")) == (english, french)


def test_an_error_from_elsewhere_is_shown_as_it_came() -> None:
    assert in_language(said(ValueError("something new")), "fr") == "something new"


def test_an_unexpected_hours_error_is_named_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from receptionist.admin import script_form

    def broken(text: str) -> dict[str, list[str]]:
        raise ValueError("boom")

    monkeypatch.setattr(script_form, "parse_hours_lines", broken)
    demo = demo_script_text("demo.yaml")
    refused = _refusal(script_form.apply, demo, parse_script(demo), {"hours": "mon 9-5"})
    assert str(refused) == "hours: boom"
    assert in_language(refused, "fr") == "horaires\u202f: boom"
