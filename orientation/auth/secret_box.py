"""Encryption at rest of the TOTP secrets: a copy of the database (a backup, a dump) alone does not
give anyone the second factor of the users.

The key is derived (HKDF) from MFA_SECRET_KEY, or from SECRET_KEY when that is not set. Changing it
makes the stored secrets unreadable: the users concerned then need a reset of their second factor.
"""

from __future__ import annotations

import base64
import functools
import logging

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"orientation.totp-secrets").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _box() -> Fernet:
    return _fernet(current_app.config.get("MFA_SECRET_KEY") or current_app.config["SECRET_KEY"])


def encrypt(value: str) -> str:
    return _box().encrypt(value.encode()).decode()


def decrypt(token: str) -> str | None:
    """The clear value, or None when the key has changed since it was stored."""
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken:
        log.warning("a TOTP secret cannot be decrypted with the current key")
        return None
