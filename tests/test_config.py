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


def test_twilio_api_base_is_the_app_itself_only_in_dev_mode_without_an_account() -> None:
    base = "http://127.0.0.1:8000"
    assert Settings(receptionist_env="dev", public_base_url=base).twilio_api_base == base
    real_token = "3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f"
    assert Settings(receptionist_env="dev", public_base_url=base,
                    twilio_auth_token=real_token).twilio_api_base == "https://api.twilio.com"
    assert Settings(receptionist_env="production", public_base_url=base
                    ).twilio_api_base == "https://api.twilio.com"
    assert Settings(receptionist_env="dev", public_base_url=base,
                    twilio_api_base="http://127.0.0.1:9/").twilio_api_base == (
        "http://127.0.0.1:9")
    with pytest.raises(ValueError):
        Settings(twilio_api_base="api.twilio.com")


def test_serve_reaches_the_stand_in_where_it_listens() -> None:
    from receptionist.cli.serve import _stand_in_here

    dev = Settings(receptionist_env="dev", public_base_url="http://localhost:8000")
    assert _stand_in_here(dev, "0.0.0.0", 8001).twilio_api_base == "http://127.0.0.1:8001"
    assert _stand_in_here(dev, "::1", 8001).twilio_api_base == "http://[::1]:8001"
    real = Settings(receptionist_env="dev", twilio_api_base="https://api.twilio.com")
    assert _stand_in_here(real, "127.0.0.1", 8001).twilio_api_base == "https://api.twilio.com"
    production = Settings(receptionist_env="production")
    assert _stand_in_here(production, "127.0.0.1", 8001) is production
