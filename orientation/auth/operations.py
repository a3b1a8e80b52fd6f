"""Write use cases of the auth area: they flush, the caller commits."""

from __future__ import annotations

from flask import url_for

from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth import passwords
from orientation.auth.models import User
from orientation.auth.tokens import make_password_reset_token
from orientation.db import utcnow
from orientation.extensions import db
from orientation.notifications.mail import queue_mail


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost whether the e-mail exists)."""
    user = get_user_by_email(email)
    if not passwords.verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """New password; every other session and every pending reset link of the user ends."""
    user.password_hash = passwords.hash_password(password)
    user.session_version += 1
    security.record(SecurityEventKind.PASSWORD_CHANGED, user=user)
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """ "Se déconnecter partout": every session of the user, in every browser, ends at its next request."""
    user.session_version += 1
    security.record(SecurityEventKind.LOGOUT_EVERYWHERE, user=user)
    db.session.flush()


def request_password_reset(email: str) -> None:
    """E-mail a reset link when the account exists; say nothing either way (no enumeration)."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    link = url_for("auth.reset_password", token=make_password_reset_token(user), _external=True)
    security.record(SecurityEventKind.PASSWORD_RESET_REQUESTED, user=user)
    queue_mail(user.email, "password_reset", user=user, link=link)


def create_user(email: str, first_name: str, last_name: str, password: str, *, is_coordinator: bool = False) -> User:
    user = User(
        email=normalise_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        password_hash=passwords.hash_password(password),
        is_coordinator=is_coordinator,
    )
    db.session.add(user)
    db.session.flush()
    return user
