from __future__ import annotations

from receptionist.i18n import lang_key


def test_locales_map_to_a_supported_language() -> None:
    assert [lang_key(x) for x in ("fr-FR", "FR-ca", "fr", "en-US", "de-DE", "")] == [
        "fr", "fr", "fr", "en", "en", "en"]
