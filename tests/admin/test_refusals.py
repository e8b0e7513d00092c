"""Refusals of the script form and of the business form, in French."""

from __future__ import annotations

import pytest

from receptionist.admin.refusals import in_language
from receptionist.admin.script_form import UnprovenEdit
from receptionist.admin.tenants import SLUG_REFUSED

CONTROL = ("{}: an invisible or control character (U+000D) is not allowed here; type the "
           "text again without it")
FRENCH_CONTROL = ("{} : un caractère invisible ou de contrôle (U+000D) n'est pas permis "
                  "ici ; retapez le texte sans lui")


@pytest.mark.parametrize(("label", "french"), [
    ("business name", "nom de l'entreprise"), ("greeting", "accueil"),
    ("hours", "horaires"), ("holidays", "jours fériés"), ("answer 2", "réponse 2"),
    ("menu choice book", "choix du menu book"), ("new menu choice", "nouveau choix du menu"),
    ("transfer numbers (transfer)", "numéros de transfert (transfer)"),
    ("message prompt (message)", "annonce du message (message)"),
])
def test_a_refused_character_is_named_in_french(label: str, french: str) -> None:
    assert in_language(CONTROL.format(label), "fr") == FRENCH_CONTROL.format(french)


def test_the_proof_and_the_slug_refusals_in_french() -> None:
    assert in_language(str(UnprovenEdit(["voice"])), "fr") == (
        "ce changement ne peut pas s'écrire sans changer d'autres parties du script : rien "
        "n'a été publié")
    assert in_language(SLUG_REFUSED, "fr").startswith("ce slug n'est pas disponible")
    assert in_language(SLUG_REFUSED, "en") == SLUG_REFUSED
