from __future__ import annotations

from receptionist.voice.text_prep.words import expand_titles, split_names


def test_titles() -> None:
    assert expand_titles("Dr Martin & Mrs Lee", "en-US") == "Doctor Martin and Missus Lee"
    assert expand_titles("Dr. Okafor", "en") == "Doctor Okafor"
    assert expand_titles("le Dr Martin et Mme Durand, M. Petit", "fr-FR") == (
        "le docteur Martin et madame Durand, monsieur Petit")
    assert expand_titles("on Main St. Then", "en") == "on Main St. Then"  # Street or Saint
    assert expand_titles("the Dr said", "en") == "the Dr said"


def test_names_run_together_are_split() -> None:
    assert split_names("Welcome to DemoDental.") == "Welcome to Demo Dental."
    assert split_names("Cabinet CabinetDupont") == "Cabinet Cabinet Dupont"
    assert split_names("iPhone, McDonald, NASA, Paris") == "iPhone, McDonald, NASA, Paris"
