"""Secrets we must store and read back (CalDAV passwords), encrypted with SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class SecretError(RuntimeError):
    pass


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"receptionist/secret-box/v1\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode()


def unseal(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretError("cannot decrypt a stored secret: SECRET_KEY changed since it was "
                          "saved; enter the password again") from None
