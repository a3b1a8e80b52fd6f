"""Who is logged in, and on behalf of which organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from orientation import clock
from orientation.acting import CURRENT_MEMBERSHIP_KEY, current_membership  # noqa: F401 (read from here too)
from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth.mfa import new_totp_secret
from orientation.auth.models import User
from orientation.auth.permissions import is_mfa_required
from orientation.extensions import db

if TYPE_CHECKING:
    from orientation.organisations.models import Membership


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id carries the session version, so a password change logs out."""
    user_part, _, version_part = user_id.partition(":")
    if not (user_part.isdigit() and version_part.isdigit()):
        return None
    user = db.session.get(User, int(user_part))
    if user is None or not user.active or user.session_version != int(version_part):
        return None
    return user


def choose_membership(user: User, membership_id: int) -> Membership | None:
    membership = next((m for m in user.memberships if m.id == membership_id), None)
    if membership is not None:
        session[CURRENT_MEMBERSHIP_KEY] = membership.id
        g.pop("current_membership", None)
    return membership


# --- Login in two steps, and the lifetime of a session ------------------------------------------

PENDING_LOGIN_KEY = "pending_login"
PENDING_LOGIN_SECONDS = 300  # time to type the code of the second factor
SSO_ID_TOKEN_KEY = "proconnect_id_token"  # noqa: S105 (a session key, not a secret)
ENROL_SECRET_KEY = "totp_enrol_secret"  # noqa: S105 (a session key: the secret waiting for confirmation)


def start_session(user: User, *, method: str = "password", renewal: bool = False) -> None:
    """Log the user in now: the session remembers when, so that it can expire. A new login (not the
    renewal of this browser's session after a password change) goes in the security journal."""
    now = clock.now().timestamp()
    session.pop(PENDING_LOGIN_KEY, None)
    login_user(user)
    session["auth_at"] = now
    session["seen_at"] = now
    session["auth_method"] = method
    if not renewal:
        security.record_now(SecurityEventKind.LOGIN, user=user, detail={"method": method})


def begin_login(user: User, *, method: str, next_url: str = "") -> str | None:
    """First factor passed. Return the step still owed ("code" or "enrol"), or None once logged in."""
    step = "code" if user.has_totp else "enrol" if is_mfa_required(user) else None
    if step is None:
        start_session(user, method=method)
        return None
    session[PENDING_LOGIN_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "method": method,
        "step": step,
        "at": clock.now().timestamp(),
        "next": next_url,
    }
    return step


def pending_login() -> tuple[User, dict] | None:
    """The user who passed the first factor a moment ago in this browser, and how."""
    pending = session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict):
        return None
    if clock.now().timestamp() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        session.pop(PENDING_LOGIN_KEY, None)
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        session.pop(PENDING_LOGIN_KEY, None)
        return None
    return user, pending


def end_session() -> None:
    logout_user()
    for key in (
        "auth_at",
        "seen_at",
        "auth_method",
        SSO_ID_TOKEN_KEY,
        PENDING_LOGIN_KEY,
        CURRENT_MEMBERSHIP_KEY,
        ENROL_SECRET_KEY,
    ):
        session.pop(key, None)


def enrolment_secret(user: User) -> str:
    """The TOTP secret shown to this user until a code confirms it; never handed to another account
    that logs in later in the same browser."""
    pending = session.get(ENROL_SECRET_KEY)
    if not (isinstance(pending, dict) and pending.get("user") == user.id and pending.get("secret")):
        pending = {"user": user.id, "secret": new_totp_secret()}
        session[ENROL_SECRET_KEY] = pending
    return pending["secret"]


def session_expired() -> bool:
    """Past the inactivity limit or the absolute lifetime (times kept in the signed session cookie)."""
    config = current_app.config
    now = clock.now().timestamp()
    auth_at, seen_at = session.get("auth_at"), session.get("seen_at")
    if not isinstance(auth_at, int | float) or not isinstance(seen_at, int | float):
        return True  # a session opened before these limits existed, or tampered with
    return now - seen_at > config["SESSION_IDLE_MINUTES"] * 60 or now - auth_at > config["SESSION_MAX_HOURS"] * 3600


def enforce_session_lifetime():
    """before_request: end an expired session and send the user back to the login page."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if not session_expired():
        session["seen_at"] = clock.now().timestamp()
        return _require_second_factor()
    end_session()
    message = "Votre session a expiré. Reconnectez-vous pour continuer."
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify({"type": "about:blank", "title": "Session expirée", "status": 401, "detail": message}), 401
    flash(message, "info")
    next_url = request.full_path if request.method == "GET" else ""
    return redirect(url_for("auth.login", next=next_url.rstrip("?") or None))


# Pages a user who owes a second factor can still reach: set it up, or leave.
_OPEN_WITHOUT_SECOND_FACTOR = {"auth.enrol_totp", "auth.logout", "auth.logout_everywhere", "main.accessibility"}


def _require_second_factor():
    """A role that requires a second factor (given after the login, or by an invitation) gets it first."""
    if current_user.has_totp or request.endpoint in _OPEN_WITHOUT_SECOND_FACTOR or not is_mfa_required(current_user):
        return None
    if request.path.startswith("/api/"):
        return jsonify(
            {
                "type": "about:blank",
                "title": "Double authentification requise",
                "status": 403,
                "detail": "Activez la double authentification dans Mon compte avant de continuer.",
            }
        ), 403
    flash("Votre rôle demande une double authentification : activez-la pour continuer.", "info")
    return redirect(url_for("auth.enrol_totp"))
