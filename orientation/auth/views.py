"""Login, logout, password reset, invitation acceptance, choice of organisation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from orientation.auth import operations, throttling
from orientation.auth.forms import (
    AcceptInvitationForm,
    EmptyForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    SwitchOrganisationForm,
)
from orientation.auth.session import choose_membership
from orientation.auth.tokens import InvalidToken, user_from_password_reset_token
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.extensions import db
from orientation.organisations import operations as organisation_operations
from orientation.organisations.queries import get_invitation_by_token
from orientation.urls import safe_next_url

LOGIN_FAILED = "Adresse e-mail ou mot de passe incorrect."


def _throttled_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return (f"Trop de tentatives de connexion infructueuses. Par sécurité, réessayez dans "
            f"{minutes} minute{'s' if minutes > 1 else ''} ou réinitialisez votre mot de passe.")


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
            form.form_errors.append(_throttled_message(retry_after))
            status = 429
        else:
            user = operations.authenticate(form.email.data, form.password.data)
            if user is not None:
                throttling.clear_login_failures(form.email.data, ip)
                db.session.commit()
                login_user(user)
                return redirect(safe_next_url(form.next.data, url_for("main.home")))
            throttling.record_login_failure(form.email.data, ip)
            form.form_errors.append(LOGIN_FAILED)
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("Vous êtes déconnecté·e.", "success")
    return redirect(url_for("auth.login"))


@redisplay_on_csrf_error
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        db.session.commit()
        flash("Si un compte actif existe pour cette adresse, un e-mail vient de lui être envoyé avec "
              "un lien valable une heure.", "success")
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
        logout_user()
        flash("Votre mot de passe a été modifié. Vous pouvez vous connecter.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


@redisplay_on_csrf_error
def accept_invitation(token: str):
    invitation = get_invitation_by_token(token)
    problem = organisation_operations.invitation_problem(invitation)
    if problem:
        return render_template("auth/invalid_link.html", message=problem), 400
    existing = operations.get_user_by_email(invitation.email)
    form = EmptyForm() if existing else AcceptInvitationForm()
    form.email_for_policy = invitation.email
    if form.validate_on_submit():
        user = organisation_operations.accept_invitation(
            invitation, existing,
            first_name=getattr(form, "first_name", None) and form.first_name.data,
            last_name=getattr(form, "last_name", None) and form.last_name.data,
            password=getattr(form, "password", None) and form.password.data,
        )
        db.session.commit()
        login_user(user)
        choose_membership(user, user.memberships[-1].id)
        flash(f"Bienvenue ! Vous avez rejoint {invitation.organisation.name}.", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation,
                           existing=existing), 400 if form.errors else 200


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
