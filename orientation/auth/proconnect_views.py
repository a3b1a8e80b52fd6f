"""Login and logout through ProConnect (OpenID Connect authorization code flow)."""

from __future__ import annotations

import contextlib
import logging

from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from requests import RequestException

from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth import proconnect
from orientation.auth.forms import LoginForm
from orientation.auth.operations import get_user_by_email
from orientation.auth.session import SSO_ID_TOKEN_KEY
from orientation.auth.views import continue_login
from orientation.urls import safe_next_url

log = logging.getLogger(__name__)
NEXT_KEY = "proconnect_next"
UNTRUSTED_ANSWER = (
    "La connexion avec ProConnect n'a pas pu être vérifiée (réponse expirée, rejouée ou "
    "altérée). Réessayez de vous connecter."
)
UNAVAILABLE = "ProConnect ne répond pas pour le moment. Réessayez plus tard ou connectez-vous avec votre mot de passe."


def proconnect_login():
    """GET: no state change beyond this browser's own session (state and nonce for the callback)."""
    if not proconnect.is_enabled():
        abort(404)
    session[NEXT_KEY] = safe_next_url(request.args.get("next"), "")
    try:
        return proconnect.client().authorize_redirect(
            url_for("auth.proconnect_callback", _external=True),
            acr_values=current_app.config["PROCONNECT_ACR_VALUES"],
        )
    except RequestException:
        log.warning("ProConnect discovery failed", exc_info=True)
        return _login_page_with_error(UNAVAILABLE, 503)


def proconnect_callback():
    if not proconnect.is_enabled():
        abort(404)
    if request.args.get("error"):
        log.info("ProConnect answered error=%s", request.args.get("error"))
        return _login_page_with_error(
            "La connexion avec ProConnect a été interrompue. Réessayez, ou connectez-vous avec votre mot de passe.", 400
        )
    try:
        token = proconnect.client().authorize_access_token()
        userinfo = proconnect.fetch_userinfo(token)
        user = proconnect.account_for(dict(token["userinfo"]), userinfo)
    except (OAuthError, JoseError, KeyError, ValueError) as error:
        log.warning("ProConnect answer refused: %s %s", type(error).__name__, error)
        security.record_now(SecurityEventKind.SSO_REFUSED, detail={"reason": "untrusted_answer"})
        return _login_page_with_error(UNTRUSTED_ANSWER, 400)
    except RequestException:
        log.warning("ProConnect token or userinfo request failed", exc_info=True)
        return _login_page_with_error(UNAVAILABLE, 503)
    except proconnect.ProConnectError as error:
        email = (error.email or "").strip().lower() or None
        security.record_now(
            SecurityEventKind.SSO_REFUSED,
            user=get_user_by_email(email) if email else None,
            email=email,
            detail={"reason": error.reason},
        )
        return _login_page_with_error(error.message, 403)
    session[SSO_ID_TOKEN_KEY] = token["id_token"]  # noqa: S105 (kept for the logout's id_token_hint)
    return continue_login(user, "proconnect", session.pop(NEXT_KEY, ""))


def proconnect_logged_out():
    """Where ProConnect sends the browser back after ending its own session."""
    if proconnect.is_enabled():
        with contextlib.suppress(OAuthError):  # the local session is closed anyway: a stray state changes nothing
            proconnect.client().validate_logout_response()
    flash("Vous êtes déconnecté·e d'Orientation et de ProConnect.", "success")
    return redirect(url_for("auth.login"))


def _login_page_with_error(message: str, status: int):
    form = LoginForm()
    form.form_errors.append(message)
    return render_template("auth/login.html", form=form, proconnect_enabled=True), status
