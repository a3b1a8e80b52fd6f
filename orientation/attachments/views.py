"""Attach a document to an orientation; open it (need to know, logged)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, send_file, url_for
from flask_login import current_user, login_required

from orientation.attachments import operations, permissions, storage
from orientation.attachments.forms import AttachmentForm
from orientation.attachments.models import OrientationAttachment
from orientation.audit.access import logs_person_access, person_accessed
from orientation.auth.session import current_membership
from orientation.extensions import db
from orientation.referrals import permissions as referral_permissions
from orientation.referrals import queries as referral_queries
from orientation.referrals.lifecycle import Side


def _acting_organisation_id(orientation) -> int:
    sides = referral_permissions.sides(current_user, orientation)
    membership = current_membership()
    if membership is not None and membership.organisation_id in (
        orientation.sender_organisation_id,
        orientation.receiver_organisation_id,
    ):
        return membership.organisation_id
    return orientation.sender_organisation_id if Side.SENDER in sides else orientation.receiver_organisation_id


@login_required
def upload(orientation_id: int):
    orientation = referral_queries.get_orientation(orientation_id)
    permissions.require(permissions.can_add(current_user, orientation))
    form = AttachmentForm()
    back = redirect(url_for("referrals.show", orientation_id=orientation.id, _anchor="documents"))
    if not form.validate_on_submit():
        flash(" ".join(message for messages in form.errors.values() for message in messages), "error")
        return back
    upload_ = form.document.data
    data = upload_.stream.read(storage.max_bytes() + 1)
    try:
        operations.add_attachment(
            orientation,
            user=current_user,
            organisation_id=_acting_organisation_id(orientation),
            filename=upload_.filename or "document",
            data=data,
        )
    except storage.RejectedFile as refusal:
        flash(str(refusal), "error")
        return back
    db.session.commit()
    flash("Le document est joint à l'orientation.", "success")
    return back


@login_required
@logs_person_access(kind="attachments.download")
def download(attachment_id: int):
    attachment = db.get_or_404(OrientationAttachment, attachment_id)
    orientation = referral_queries.get_orientation(attachment.orientation_id)
    permissions.require(permissions.can_view(current_user, orientation))
    if not attachment.is_available:
        abort(410)
    path = storage.path_of(attachment.storage_key)
    if not path.exists():
        abort(410)
    person_accessed(orientation.person, orientation=orientation, organisation=_acting_organisation_id(orientation))
    db.session.commit()
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
