"""Signed, expiring tokens for password reset links (single use: tied to the session version)."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from orientation.auth.models import User
from orientation.extensions import db

RESET_SALT = "orientation.password-reset"


class InvalidToken(Exception):
    """The link is tampered with, expired or already used; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_password_reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "v": user.session_version})


def user_from_password_reset_token(token: str) -> User:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as error:
        raise InvalidToken("Ce lien a expiré. Demandez un nouveau lien de réinitialisation.") from error
    except BadSignature as error:
        raise InvalidToken("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier.") from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active:
        raise InvalidToken("Ce lien n'est pas valide.")
    if user.session_version != data.get("v"):
        raise InvalidToken("Ce lien a déjà été utilisé. Demandez un nouveau lien si nécessaire.")
    return user


def new_opaque_token() -> tuple[str, str]:
    """A random token for a link and the hash stored in the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_opaque_token(token)


def hash_opaque_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
