"""Login, logout, password reset, invitation acceptance, choice of organisation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth import mfa, operations, proconnect, throttling
from orientation.auth.forms import (
    EmptyForm,
    EnrolTotpForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    SecondFactorForm,
    SwitchOrganisationForm,
)
from orientation.auth.session import (
    ENROL_SECRET_KEY,
    SSO_ID_TOKEN_KEY,
    begin_login,
    choose_membership,
    end_session,
    enrolment_secret,
    pending_login,
    start_session,
)
from orientation.auth.tokens import InvalidToken, user_from_password_reset_token
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.extensions import db
from orientation.urls import safe_next_url

LOGIN_FAILED = "Adresse e-mail ou mot de passe incorrect."
CODE_FAILED = (
    "Code incorrect ou expiré. Saisissez le code affiché en ce moment par votre application, "
    "ou l'un de vos codes de secours."
)
ENROL_CODE_FAILED = "Code incorrect. Saisissez le code affiché en ce moment par l'application."
PENDING_EXPIRED = "Le délai pour saisir le code est dépassé. Reconnectez-vous."


def _throttled_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        f"Trop de tentatives de connexion infructueuses. Par sécurité, réessayez dans "
        f"{minutes} minute{'s' if minutes > 1 else ''} ou réinitialisez votre mot de passe."
    )


@redisplay_on_csrf_error
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        retry_after = throttling.login_retry_after(form.email.data, ip)
        if retry_after:
            _record_refusal(SecurityEventKind.LOGIN_BLOCKED, form.email.data)
            form.form_errors.append(_throttled_message(retry_after))
            status = 429
        else:
            user = operations.authenticate(form.email.data, form.password.data)
            if user is not None:
                throttling.clear_login_failures(form.email.data, ip)
                db.session.commit()
                return continue_login(user, "password", form.next.data)
            throttling.record_login_failure(form.email.data, ip)
            _record_refusal(SecurityEventKind.LOGIN_FAILED, form.email.data)
            form.form_errors.append(LOGIN_FAILED)
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, proconnect_enabled=proconnect.is_enabled()), status


def _record_refusal(kind: SecurityEventKind, email: str, user=None) -> None:
    """A refused login in the security journal: the account when the address is one, else what was typed."""
    security.record_now(kind, user=user or operations.get_user_by_email(email), email=operations.normalise_email(email))


def continue_login(user, method: str, next_url: str):
    """After the first factor (password or ProConnect): ask for the second one, or let the user in."""
    step = begin_login(user, method=method, next_url=next_url or "")
    if step == "code":
        return redirect(url_for("auth.login_code"))
    if step == "enrol":
        return redirect(url_for("auth.login_enrol"))
    return redirect(safe_next_url(next_url, url_for("main.home")))


@redisplay_on_csrf_error
def login_code():
    found = pending_login()
    if found is None:
        flash(PENDING_EXPIRED, "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        retry_after = throttling.login_retry_after(user.email, ip)
        if retry_after:
            _record_refusal(SecurityEventKind.LOGIN_BLOCKED, user.email, user)
            form.form_errors.append(_throttled_message(retry_after))
            status = 429
        elif mfa.verify_second_factor(user, form.code.data):
            throttling.clear_login_failures(user.email, ip)
            db.session.commit()
            start_session(user, method=pending["method"])
            return redirect(safe_next_url(pending.get("next"), url_for("main.home")))
        else:
            throttling.record_login_failure(user.email, ip)
            _record_refusal(SecurityEventKind.SECOND_FACTOR_FAILED, user.email, user)
            form.code.errors.append(CODE_FAILED)
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login_code.html", form=form), status


@redisplay_on_csrf_error
def login_enrol():
    """A user whose role requires a second factor sets it up before entering (forced enrolment)."""
    found = pending_login()
    if found is None or found[1].get("step") != "enrol":
        flash(PENDING_EXPIRED, "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = EnrolTotpForm()
    secret = enrolment_secret(user)
    if form.validate_on_submit():
        codes = mfa.enable_totp(user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            session.pop(ENROL_SECRET_KEY, None)
            start_session(user, method=pending["method"])
            return render_template(
                "auth/recovery_codes.html",
                codes=codes,
                continue_url=safe_next_url(pending.get("next"), url_for("main.home")),
            )
        form.code.errors.append(ENROL_CODE_FAILED)
    return render_template(
        "auth/enrol_totp.html",
        form=form,
        forced=True,
        secret=secret,
        qr_code=mfa.qr_code_data_uri(mfa.provisioning_uri(secret, user.email)),
        action=url_for("auth.login_enrol"),
    ), 400 if form.errors else 200


def logout():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.login"))
    id_token = session.get(SSO_ID_TOKEN_KEY)
    end_session()
    if id_token and proconnect.is_enabled():
        # Also end the ProConnect session, else the next "S'identifier avec ProConnect" skips the password.
        return proconnect.client().logout_redirect(
            post_logout_redirect_uri=url_for("auth.proconnect_logged_out", _external=True), id_token_hint=id_token
        )
    flash("Vous êtes déconnecté·e.", "success")
    return redirect(url_for("auth.login"))


@redisplay_on_csrf_error
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            "Si un compte actif existe pour cette adresse, un e-mail vient de lui être envoyé avec "
            "un lien valable une heure.",
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form), 400 if form.errors else 200


@redisplay_on_csrf_error
def reset_password(token: str):
    try:
        user = user_from_password_reset_token(token)
    except InvalidToken as error:
        return render_template("auth/invalid_link.html", message=error.message), 400
    form = PasswordResetForm()
    form.email_for_policy = user.email
    if form.validate_on_submit():
        operations.set_password(user, form.password.data)
        db.session.commit()
        end_session()
        flash("Votre mot de passe a été modifié. Vous pouvez vous connecter.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


@login_required
def switch_organisation():
    form = SwitchOrganisationForm()
    if not form.validate_on_submit() or as_id(form.membership_id.data) is None:
        abort(400)
    if choose_membership(current_user, as_id(form.membership_id.data)) is None:
        abort(403)
    return redirect(safe_next_url(request.referrer and _path_of(request.referrer), url_for("main.home")))


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
