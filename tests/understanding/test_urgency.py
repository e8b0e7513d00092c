from __future__ import annotations

import pytest

from receptionist.understanding.urgency import sounds_urgent


@pytest.mark.parametrize(("text", "language"), [
    ("Hi it's Ada, please call me back, it's urgent", "en-US"),
    ("Hi this is John, my tooth is bleeding a lot and I'm in pain, please call me", "en-US"),
    ("my basement is flooding call me", "en-US"),
    ("c'est urgent j'ai une fuite d'eau rappelez-moi vite", "fr-FR"),
])
def test_urgent_messages(text: str, language: str) -> None:
    assert sounds_urgent(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("it's not urgent, just call me back about the invoice", "en-US"),
    ("Hello I would like to book a cleaning next week, call me at 555 1234", "en-US"),
    ("Bonjour c'est Marie, rappelez-moi pour mon rendez-vous", "fr-FR"),
    ("ce n'est pas urgent, rappelez-moi", "fr-FR"),
    ("", "en-US"), ("🙂" * 100, "fr-FR"), ("urgent " * 5000, "en-US"),
])
def test_calm_messages(text: str, language: str) -> None:
    assert sounds_urgent(text, language) is (text.startswith("urgent "))
