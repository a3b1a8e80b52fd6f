"""Signed, expiring tokens for links sent by e-mail (password reset: single use, tied to the session
version; the directory's « Tout est à jour »), and opaque tokens stored hashed (receivers' links)."""

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


def signed_serializer(salt: str) -> URLSafeTimedSerializer:
    """The app's signer for one kind of link (`salt`: a token of one kind is refused as another)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def load_signed(salt: str, token: str, max_age: int, *, expired: str) -> dict:
    """The data of a signed link; InvalidToken with `expired` (French) past `max_age` seconds."""
    try:
        data = signed_serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidToken(expired) from error
    except BadSignature as error:
        raise InvalidToken("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier.") from error
    if not isinstance(data, dict):
        raise InvalidToken("Ce lien n'est pas valide.")
    return data


def make_password_reset_token(user: User) -> str:
    return signed_serializer(RESET_SALT).dumps({"u": user.id, "v": user.session_version})


def user_from_password_reset_token(token: str) -> User:
    data = load_signed(
        RESET_SALT,
        token,
        current_app.config["PASSWORD_RESET_MAX_AGE"],
        expired="Ce lien a expiré. Demandez un nouveau lien de réinitialisation.",
    )
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
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
