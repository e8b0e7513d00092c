"""Which type and practitioner a caller's key or words choose (the practice scripts of
tests.twilio.practice)."""

from __future__ import annotations

import pytest

from receptionist.call_flows.booking import choice
from receptionist.call_flows.booking.choice import ANYONE, Want
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import BookStep, Script
from tests.twilio.practice import practice_text


def practice(language: str) -> Script:
    return parse_script(practice_text(language))


def test_keys_follow_the_script_and_keep_declared_digits() -> None:
    script = practice("en")
    assert choice.type_keys(script) == {"1": "checkup", "2": "cleaning", "3": "consultation",
                                        "4": "implant"}
    cleaners = choice.offering(script, "cleaning")
    assert choice.who_keys(script, cleaners) == {"1": "martin", "2": "lee", "0": ANYONE}
    text = practice_text("en")
    digits = parse_script(text.replace("      name: Sam Lee, our hygienist\n",
                                       "      name: Sam Lee, our hygienist\n      digit: \"1\"\n"))
    assert choice.who_keys(digits, cleaners) == {"1": "lee", "2": "martin", "0": ANYONE}


@pytest.mark.parametrize(("language", "said", "kind", "who"), [
    ("en", "I'd like to book a cleaning with doctor Martin", "cleaning", "martin"),
    ("en", "can I get my teeth cleaning done, anyone is fine", "cleaning", ANYONE),
    ("en", "a checkup with the first available", "checkup", ANYONE),
    ("en", "I need an appointment", None, None),
    ("fr", "un détartrage avec le docteur Martin", "detartrage", "martin"),
    ("fr", "un contrôle, peu importe avec qui", "controle", ANYONE),
    ("fr", "je voudrais prendre rendez-vous", None, None),
    # A refused name is not picked: the step asks whom.
    ("en", "a cleaning but not with doctor Martin", "cleaning", None),
    ("en", "a checkup, no preference", "checkup", ANYONE),
    ("fr", "un détartrage mais pas avec l'hygiéniste", "detartrage", None),
    # Taken back in the same breath: the name said after the correction counts.
    ("en", "a checkup with doctor Okafor, hang on, no, with doctor Martin", "checkup",
     "martin"),
    ("en", "a cleaning, actually no, a consultation with doctor Okafor", "consultation",
     "okafor"),
    ("en", "a checkup with doctor Okafor, wait, anyone will do", "checkup", ANYONE),
    ("en", "no, a checkup with doctor Martin", "checkup", "martin"),
    ("en", "a checkup with doctor Okafor, sorry, not doctor Martin", "checkup", None),
    ("fr", "un contrôle avec le docteur Martin, non pardon, avec la docteure Okafor",
     "controle", "okafor"),
    ("fr", "un détartrage, enfin plutôt une consultation", "consultation", None),
    # « matin » is the morning, not a near miss for Martin.
    ("fr", "un contrôle jeudi matin", "controle", None),
    ("fr", "un contrôle avec le docteur Martin jeudi matin", "controle", "martin"),
    ("en", "a checkup on Monday morning", "checkup", None),
    # "okay for" is no Okafor; a name a recogniser cut in two still is.
    ("en", "a checkup, would Thursday be okay for you", "checkup", None),
    ("en", "a checkup with doctor Oka for please", "checkup", "okafor"),
])
def test_words_name_the_type_and_the_practitioner(language: str, said: str, kind: str | None,
                                                  who: str | None) -> None:
    script = practice(language)
    found = choice.type_in(script, said, script.language)
    assert found == kind
    assert choice.who_in(script, choice.offering(script, found or ""), said,
                         script.language) == who


def test_who_offers_what_and_whose_agendas_an_offer_reads() -> None:
    script = practice("en")
    step = script.steps["book"]
    assert isinstance(step, BookStep)
    assert choice.offering(script, "cleaning") == ["martin", "lee"]
    assert choice.offering(script, "implant") == ["martin", "okafor", "lee"]  # everyone
    assert choice.agenda_slugs(script, step, Want("cleaning", ANYONE)) == ["martin", "lee"]
    assert choice.agenda_slugs(script, step, Want("cleaning", "lee")) == ["lee"]
    assert choice.agenda_slugs(script, step, Want("cleaning", "gone")) == []
    plain = practice("en").model_copy(update={"booking": type(script.booking)()})
    assert choice.agenda_slugs(plain, step, Want()) == ["main"]
    kind = choice.kind(script, "cleaning")
    assert kind is not None and (kind.minutes, kind.buffer_minutes) == (60, 10)
    assert choice.kind(script, "") is None
    assert Want("cleaning", ANYONE).query() == {"type": "cleaning", "who": "*"}
