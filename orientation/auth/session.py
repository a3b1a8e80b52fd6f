"""Who is logged in, and on behalf of which organisation."""

from __future__ import annotations

from flask import g, session
from flask_login import current_user

from orientation.auth.models import User
from orientation.extensions import db
from orientation.organisations.models import Membership

CURRENT_MEMBERSHIP_KEY = "membership_id"


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id carries the session version, so a password change logs out."""
    user_part, _, version_part = user_id.partition(":")
    if not (user_part.isdigit() and version_part.isdigit()):
        return None
    user = db.session.get(User, int(user_part))
    if user is None or not user.active or user.session_version != int(version_part):
        return None
    return user


def current_membership() -> Membership | None:
    """The membership the user acts through (chosen in the header when they have several)."""
    if "current_membership" in g:
        return g.current_membership
    membership = None
    if current_user.is_authenticated and current_user.memberships:
        wanted = session.get(CURRENT_MEMBERSHIP_KEY)
        membership = next((m for m in current_user.memberships if m.id == wanted), None)
        membership = membership or current_user.memberships[0]
    g.current_membership = membership
    return membership


def choose_membership(user: User, membership_id: int) -> Membership | None:
    membership = next((m for m in user.memberships if m.id == membership_id), None)
    if membership is not None:
        session[CURRENT_MEMBERSHIP_KEY] = membership.id
        g.pop("current_membership", None)
    return membership
