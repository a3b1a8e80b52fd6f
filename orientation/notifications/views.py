"""A user's notifications and e-mail choices; coordinators see the messages that could not be delivered."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation.csrf import redisplay_on_csrf_error
from orientation.extensions import db
from orientation.forms import EmptyForm
from orientation.notifications import operations, permissions, preferences, queries
from orientation.notifications.channels import mask_recipient
from orientation.notifications.forms import NotificationChoicesForm
from orientation.notifications.models import DeliveryMode, EventKind, OutboxMessage
from orientation.paging import search_text


@login_required
def failures():
    permissions.require(permissions.can_view_delivery_failures(current_user))
    search = search_text(request.args.get("q"))
    return render_template(
        "notifications/failures.html",
        page=queries.failed_messages_page(search, request.args.get("page")),
        search=search,
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


@login_required
def inbox():
    """Unread first; the ones shown are marked read (reading them is what they were for)."""
    page = queries.notifications_page(current_user.id, request.args.get("page", 1, type=int))
    unread = {notification.id for notification in page.items if not notification.is_read}
    links = {notification.id: queries.subject_url(notification) for notification in page.items}
    if unread:
        operations.mark_read(current_user.id, unread)
        db.session.commit()
    return render_template("notifications/inbox.html", page=page, unread=unread, links=links)


@login_required
def open_notification(notification_id: int):
    notification = queries.get_notification(notification_id)
    permissions.require(permissions.can_read_notification(current_user, notification))
    target = queries.subject_url(notification) or url_for("notifications.inbox")
    operations.mark_read(current_user.id, [notification.id])
    db.session.commit()
    return redirect(target)


@login_required
@redisplay_on_csrf_error
def choices():
    form = NotificationChoicesForm()
    if request.method == "GET":
        # No choice yet: what the user's structure chose for its members.
        structure_digest = any(m.organisation.notification_digest for m in current_user.memberships)
        default = DeliveryMode.DIGEST if structure_digest else None
        chosen = preferences.choices_of(current_user.id)
        for kind in EventKind:
            form[kind.value].data = (chosen.get(kind) or default or DeliveryMode.IMMEDIATE).value
    elif form.validate_on_submit():
        preferences.set_choices(current_user.id, form.choices())
        db.session.commit()
        flash("Vos choix d'e-mails sont enregistrés.", "success")
        return redirect(url_for("notifications.choices"))
    return render_template("notifications/choices.html", form=form), 400 if form.errors else 200
