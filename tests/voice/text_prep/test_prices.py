from __future__ import annotations

from receptionist.voice.text_prep.prices import spell_prices


def test_english() -> None:
    assert spell_prices("a check-up is $80, a copy $12.50", "en-US") == (
        "a check-up is 80 dollars, a copy 12 dollars 50")
    assert spell_prices("$1 or £5 or €1,200", "en") == "1 dollar or 5 pounds or 1200 euros"


def test_french() -> None:
    assert spell_prices("une consultation coûte 43 €, la copie 12,50 €", "fr-FR") == (
        "une consultation coûte 43 euros, la copie 12 euros 50")
    assert spell_prices("1 € ou 1 200 € ou 5 £", "fr") == "1 euro ou 1200 euros ou 5 livres"


def test_text_without_money_stays() -> None:
    assert spell_prices("press 3 for our hours", "en") == "press 3 for our hours"
