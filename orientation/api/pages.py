"""The managers' pages: the organisation's API tokens and webhooks (French UI)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from orientation.api import operations, permissions, queries
from orientation.api.forms import CreateTokenForm, CreateWebhookForm
from orientation.api.models import ApiToken, WebhookEndpoint
from orientation.auth.forms import EmptyForm
from orientation.auth.session import current_membership
from orientation.csrf import redisplay_on_csrf_error
from orientation.extensions import db


def _managed_membership():
    membership = current_membership()
    permissions.require(permissions.can_manage_api(current_user, membership))
    return membership


@login_required
def index():
    membership = _managed_membership()
    return render_template(
        "api/manage.html",
        tab="api",  # a page of « Ma structure » (its side menu)
        organisation=membership.organisation,
        tokens=queries.list_tokens(membership.organisation_id),
        webhooks=queries.list_webhooks(membership.organisation_id),
        action_form=EmptyForm(),
    )


@login_required
@redisplay_on_csrf_error
def create_token():
    membership = _managed_membership()
    form = CreateTokenForm()
    if form.validate_on_submit():
        token, secret = operations.create_token(
            organisation_id=membership.organisation_id, user=current_user, name=form.name.data, scopes=form.scopes.data
        )
        db.session.commit()
        # The secret is shown on this answer only (never stored, never in a redirect or a flash).
        return render_template("api/token_created.html", token=token, secret=secret)
    return render_template("api/token_form.html", form=form), 400 if form.errors else 200


@login_required
def revoke_token(token_id: int):
    membership = _managed_membership()
    token = db.get_or_404(ApiToken, token_id)
    permissions.require(token.organisation_id == membership.organisation_id)
    if EmptyForm().validate_on_submit():
        operations.revoke_token(token, user=current_user)
        db.session.commit()
        flash(f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à rien.", "success")
    return redirect(url_for("api_manage.index"))


@login_required
@redisplay_on_csrf_error
def create_webhook():
    membership = _managed_membership()
    form = CreateWebhookForm()
    if form.validate_on_submit():
        endpoint = operations.create_webhook(
            organisation_id=membership.organisation_id, user=current_user, url=form.url.data
        )
        db.session.commit()
        return render_template("api/webhook_created.html", endpoint=endpoint)
    return render_template("api/webhook_form.html", form=form), 400 if form.errors else 200


@login_required
def disable_webhook(endpoint_id: int):
    membership = _managed_membership()
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    permissions.require(endpoint.organisation_id == membership.organisation_id)
    if EmptyForm().validate_on_submit():
        operations.disable_webhook(endpoint)
        db.session.commit()
        flash("Le webhook est désactivé : plus aucun appel ne partira vers cette adresse.", "success")
    return redirect(url_for("api_manage.index"))
