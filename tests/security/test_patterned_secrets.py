"""SECRET_KEY=0123456789abcdef… or abcdef…xyz012345 started production: the strength
estimate was the length times the bits of the alphabet seen, which a sequence fills. Keys
are now measured conservatively (runs, sequences, repeats and character frequencies cost
them), and so are Twilio auth tokens typed as placeholders."""

from __future__ import annotations

import secrets
import string

import pytest

from receptionist.config import (
    MIN_KEY_BITS,
    MIN_TOKEN_BITS,
    InsecureSettingsError,
    Settings,
    key_bits,
)
from receptionist.main import create_app

TOKEN = "3f9c2e7a1b8d4c6e0f5a9b2d7e1c4a8f"
PATTERNED_KEYS = [
    "0123456789abcdef" * 4,  # the reported key: 256 bits by the old estimate
    "0123456789abcdef0123456789abcdef",
    string.ascii_lowercase + "012345",  # the other reported one: abc…xyz012345
    string.digits + string.ascii_lowercase + string.ascii_uppercase,
    string.ascii_lowercase + string.ascii_lowercase[::-1],
    "aceg" "ikmo" "qsuw" "y0246" * 3,  # a sequence by twos
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0" * 2,  # two interleaved sequences
    "Zt4-qL9xN2vR" * 4,  # a random-looking chunk, repeated
    "a1b2c3d4e5f6g7h8i9j0" * 2,
    "!!!!!!!!aaaaaaaabbbbbbbbccccccccdddddddd11111111eeeeeeeeffffffff",  # runs
]


@pytest.mark.parametrize("key", PATTERNED_KEYS)
def test_a_patterned_key_does_not_start_production(key: str) -> None:
    settings = Settings(receptionist_env="production", twilio_auth_token=TOKEN,
                        secret_key=key)
    assert key_bits(key) < MIN_KEY_BITS
    with pytest.raises(InsecureSettingsError) as info:
        create_app(settings)
    message = str(info.value)
    assert "SECRET_KEY" in message and "TWILIO_AUTH_TOKEN" not in message
    assert "python -c 'import secrets; print(secrets.token_hex(32))'" in message


@pytest.mark.parametrize("token", [
    "0123456789abcdef0123456789abcdef",
    "0123456789abcdeffedcba9876543210",
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "be4c0123456789abcdef0123456789ab",
    "deadbeefdeadbeefdeadbeef01234567",
])
def test_a_patterned_twilio_token_does_not_start_production(token: str) -> None:
    settings = Settings(receptionist_env="production", twilio_auth_token=token,
                        secret_key=secrets.token_hex(32))
    with pytest.raises(InsecureSettingsError, match="TWILIO_AUTH_TOKEN"):
        settings.check_secrets()


def test_generated_secrets_pass_every_time() -> None:
    """What the message says to run (and token_urlsafe(32), the README's) always passes,
    with a margin; Twilio's random tokens too."""
    for _ in range(2000):
        assert key_bits(secrets.token_hex(32)) > MIN_KEY_BITS + 60
        assert key_bits(secrets.token_urlsafe(32)) > MIN_KEY_BITS + 40
        assert key_bits(secrets.token_hex(16)) > MIN_TOKEN_BITS + 5
    Settings(receptionist_env="production", twilio_auth_token=secrets.token_hex(16),
             secret_key=secrets.token_hex(32)).check_secrets()


def test_a_128_bit_key_has_no_margin() -> None:
    """32 random hex characters hold 128 bits at best: a conservative estimate wants more."""
    for _ in range(200):
        assert key_bits(secrets.token_hex(16)) < MIN_KEY_BITS
