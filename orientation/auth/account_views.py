"""Mon compte — sécurité: password, second factor, recovery codes, "se déconnecter partout"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from orientation import french
from orientation.audit import security_queries
from orientation.auth import mfa, operations, passwords
from orientation.auth.forms import ChangePasswordForm, DisableTotpForm, EmptyForm, EnrolTotpForm
from orientation.auth.journal_views import event_rows
from orientation.auth.models import User
from orientation.auth.permissions import can_disable_totp, can_reset_second_factor, is_mfa_required
from orientation.auth.session import ENROL_SECRET_KEY, end_session, enrolment_secret, start_session
from orientation.auth.views import ENROL_CODE_FAILED
from orientation.csrf import redisplay_on_csrf_error
from orientation.extensions import db
from orientation.urls import safe_next_url


def _security_page(password_form=None, disable_form=None, status=200):
    password_form = password_form or ChangePasswordForm()
    return render_template(
        "auth/security.html",
        password_form=password_form,
        disable_form=disable_form or DisableTotpForm(),
        empty_form=EmptyForm(),
        mfa_required=is_mfa_required(current_user),
        can_disable=can_disable_totp(current_user),
        recovery_left=mfa.remaining_recovery_codes(current_user),
        auth_method=session.get("auth_method"),
        activity=event_rows(security_queries.account_activity(current_user.id)),
    ), status


@login_required
def security():
    return _security_page()


@login_required
@redisplay_on_csrf_error
def change_password():
    form = ChangePasswordForm()
    form.email_for_policy = current_user.email
    if form.validate_on_submit():
        if not passwords.verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("Le mot de passe actuel est incorrect.")
        else:
            operations.set_password(current_user, form.password.data)
            db.session.commit()
            # This session goes on with the new version (the real object: a proxy would refer to itself).
            start_session(
                current_user._get_current_object(), method=session.get("auth_method", "password"), renewal=True
            )
            flash("Votre mot de passe a été modifié. Vos autres sessions ont été fermées.", "success")
            return redirect(url_for("auth.security"))
    return _security_page(password_form=form, status=400)


@login_required
@redisplay_on_csrf_error
def enrol_totp():
    if current_user.has_totp:
        return redirect(url_for("auth.security"))
    form = EnrolTotpForm()
    secret = enrolment_secret(current_user)
    if form.validate_on_submit():
        codes = mfa.enable_totp(current_user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            session.pop(ENROL_SECRET_KEY, None)
            return render_template("auth/recovery_codes.html", codes=codes, continue_url=url_for("auth.security"))
        form.code.errors.append(ENROL_CODE_FAILED)
    return render_template(
        "auth/enrol_totp.html",
        form=form,
        forced=is_mfa_required(current_user),
        secret=secret,
        qr_code=mfa.qr_code_data_uri(mfa.provisioning_uri(secret, current_user.email)),
        action=url_for("auth.enrol_totp"),
    ), 400 if form.errors else 200


@login_required
@redisplay_on_csrf_error
def disable_totp():
    form = DisableTotpForm()
    if not can_disable_totp(current_user):
        flash("La double authentification est obligatoire pour votre rôle : elle ne peut pas être désactivée.", "error")
        return redirect(url_for("auth.security"))
    if form.validate_on_submit():
        if mfa.verify_second_factor(current_user, form.code.data):
            mfa.disable_totp(current_user)
            db.session.commit()
            flash("La double authentification est désactivée.", "success")
            return redirect(url_for("auth.security"))
        form.code.errors.append("Code incorrect ou expiré.")
    return _security_page(disable_form=form, status=400)


@login_required
def regenerate_recovery_codes():
    if not EmptyForm().validate_on_submit() or not current_user.has_totp:
        return redirect(url_for("auth.security"))
    codes = mfa.replace_recovery_codes(current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=url_for("auth.security"))


@login_required
def logout_everywhere():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.security"))
    operations.end_all_sessions(current_user)
    db.session.commit()
    end_session()
    flash("Vous êtes déconnecté·e de tous vos appareils et navigateurs.", "success")
    return redirect(url_for("auth.login"))


@login_required
def reset_second_factor(user_id: int):
    """Phone lost and recovery codes too: a coordinator turns the second factor off and ends every session
    of the account; the colleague enrols again at the next login when the role requires it."""
    target = db.get_or_404(User, user_id)
    if not can_reset_second_factor(current_user, target):
        abort(403)
    if EmptyForm().validate_on_submit():
        mfa.disable_totp(target)
        operations.end_all_sessions(target)
        db.session.commit()
        flash(
            f"La double authentification {french.de(target.full_name)} est réinitialisée et ses sessions sont fermées.",
            "success",
        )
    return redirect(safe_next_url(request.form.get("next"), url_for("main.home")))
