"""Secrets stored encrypted with SECRET_KEY (CalDAV passwords)."""

from __future__ import annotations

import pytest

from receptionist.secret_box import SecretError, seal, unseal


def test_round_trip_and_key_change() -> None:
    sealed = seal("key-one-0123456789", "hunter2")
    assert "hunter2" not in sealed
    assert seal("key-one-0123456789", "hunter2") != sealed  # random IV each time
    assert unseal("key-one-0123456789", sealed) == "hunter2"
    with pytest.raises(SecretError, match="SECRET_KEY changed"):
        unseal("key-two-0123456789", sealed)
