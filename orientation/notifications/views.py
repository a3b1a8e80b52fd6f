"""Coordinators see the messages that could not be delivered, and retry them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from orientation.extensions import db
from orientation.forms import EmptyForm
from orientation.notifications import operations, permissions, queries
from orientation.notifications.channels import mask_recipient
from orientation.notifications.models import OutboxMessage


@login_required
def failures():
    permissions.require(permissions.can_view_delivery_failures(current_user))
    return render_template(
        "notifications/failures.html",
        messages=queries.list_failed_messages(),
        counts=queries.count_by_status(),
        mask=mask_recipient,
        form=EmptyForm(),
        can_retry=permissions.can_retry_message,
    )


@login_required
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    permissions.require(permissions.can_retry_message(current_user, message))
    form = EmptyForm()
    if form.validate_on_submit():
        if operations.retry_message(message):
            db.session.commit()
            flash(f"Le message n° {message_id} sera renvoyé.", "success")
        else:
            flash(f"Le message n° {message_id} n'est plus en échec.", "info")
    return redirect(url_for("notifications.failures"))
