from __future__ import annotations

import pytest

from receptionist.config import InsecureSettingsError, Settings


def test_production_refuses_placeholder_secrets() -> None:
    settings = Settings(receptionist_env="production", twilio_auth_token="dev-auth-token",
                        secret_key="short")
    with pytest.raises(InsecureSettingsError) as info:
        settings.check_secrets()
    assert "TWILIO_AUTH_TOKEN" in str(info.value) and "SECRET_KEY" in str(info.value)


def test_dev_mode_accepts_placeholders_but_lists_them() -> None:
    settings = Settings(receptionist_env="dev")
    settings.check_secrets()
    assert len(settings.insecure_reasons()) == 2


def test_real_secrets_pass_in_production() -> None:
    Settings(receptionist_env="production", twilio_auth_token="3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f",
             secret_key="Zt4-qL9xN2vR7bK1mW8sE5yH3jC6pF0a").check_secrets()


def test_public_base_url_is_normalised_and_checked() -> None:
    assert Settings(public_base_url="https://x.example.com/").public_base_url == (
        "https://x.example.com")
    with pytest.raises(ValueError):
        Settings(public_base_url="x.example.com")
