"""Encryption at rest of the secrets the app must read back: the users' TOTP secrets and the
webhooks' signing secrets. A copy of the database (a backup, a dump) alone gives nobody a user's
second factor nor the means to forge a webhook call.

Each kind has its own key, derived (HKDF) from its setting — MFA_SECRET_KEY, WEBHOOK_SECRET_KEY —
or from SECRET_KEY when that is not set. Changing it makes the stored secrets unreadable: TOTP users
then need a reset of their second factor, webhooks a new endpoint.
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

# purpose → (setting holding its key, HKDF info); the info keeps the keys of two purposes apart
# even when both come from SECRET_KEY.
PURPOSES = {
    "totp": ("MFA_SECRET_KEY", b"orientation.totp-secrets"),
    "webhook": ("WEBHOOK_SECRET_KEY", b"orientation.webhook-secrets"),
}


@functools.lru_cache(maxsize=8)
def _fernet(key_material: str, info: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key_material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _box(purpose: str) -> Fernet:
    setting, info = PURPOSES[purpose]
    return _fernet(current_app.config.get(setting) or current_app.config["SECRET_KEY"], info)


def encrypt(value: str, purpose: str) -> str:
    return _box(purpose).encrypt(value.encode()).decode()


def decrypt(token: str, purpose: str) -> str | None:
    """The clear value, or None when the key has changed since it was stored."""
    try:
        return _box(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        log.warning("a %s secret cannot be decrypted with the current key", purpose)
        return None
