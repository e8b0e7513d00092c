from __future__ import annotations

import pytest

from receptionist.understanding.intent_model import (
    BUILTIN_INTENTS,
    OUT_OF_SCOPE,
    TrainingSet,
    builtin_examples,
    builtin_model,
    features,
    model_for,
    train,
)


@pytest.mark.parametrize("language", ["en-US", "fr-FR"])
def test_every_builtin_intent_has_at_least_60_distinct_examples(language: str) -> None:
    examples = builtin_examples(language)
    assert set(examples) == set(BUILTIN_INTENTS)
    for intent, sentences in examples.items():
        assert len(set(sentences)) >= 60, intent


@pytest.mark.parametrize(("text", "language", "intent"), [
    ("could I come in sometime next week", "en-US", "book"),
    ("tell her I called", "en-US", "message"),
    ("where is your office", "en-US", "location"),
    ("est-ce que je peux parler au docteur", "fr-FR", "transfer"),
    ("je voudrais annuler mon rendez-vous de jeudi", "fr-FR", "manage_booking"),
    ("c'est très urgent j'ai super mal", "fr-FR", "urgent"),
])
def test_sentences_never_seen_reach_their_intent(text: str, language: str,
                                                 intent: str) -> None:
    ranked = builtin_model(language).rank(text)
    assert ranked[0].intent == intent
    assert abs(sum(r.probability for r in ranked) - 1.0) < 1e-6
    assert ranked == sorted(ranked, key=lambda r: -r.probability)


def test_typos_still_land_near_the_word() -> None:
    assert builtin_model("en-US").rank("I need an apointment")[0].intent == "book"


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "!!!", "你好世界"])
def test_nothing_known_is_out_of_scope_with_certainty(text: str) -> None:
    ranked = builtin_model("en-US").rank(text)
    assert ranked[0].intent == OUT_OF_SCOPE and ranked[0].probability == 1.0


@pytest.mark.parametrize("text", ["appointment " * 2000, "1234567890", "book 🙂 rendez-vous",
                                  "a" * 10_000])
def test_bad_input_gets_a_ranking(text: str) -> None:
    ranked = builtin_model("en-US").rank(text)
    assert len(ranked) == len(BUILTIN_INTENTS)


def test_a_scripts_examples_teach_a_new_intent() -> None:
    training = TrainingSet.of("en-US", {"prescription": [
        "I need a refill of my prescription", "can you renew my medication",
        "my pills ran out", "prescription renewal please", "I need more of my medicine"]})
    model = model_for(training)
    assert "prescription" in model.intents
    assert model.rank("could you renew my prescription")[0].intent == "prescription"


def test_training_is_deterministic_and_cached_by_training_set() -> None:
    training = TrainingSet.of("fr-FR", {"devis": ["je voudrais un devis", "combien ça coûte"]})
    first, second = train(training), train(training)
    text = "vous pouvez me faire un devis"
    assert first.rank(text) == second.rank(text)
    assert model_for(training) is model_for(TrainingSet.of(
        "fr-FR", {"devis": ["je voudrais un devis", "combien ça coûte"]}))


def test_features_are_stems_pairs_and_character_grams() -> None:
    found = features("Booking appointments", "en")
    assert "w book" in found and "w appoint" in found and "b book appoint" in found
    assert "c <boo" in found
