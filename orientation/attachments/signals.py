"""What the attachments area offers the layout: the documents panel of an orientation's page."""

import sqlalchemy as sa
from flask_login import current_user

from orientation import signals
from orientation.attachments import permissions
from orientation.attachments.forms import AttachmentForm
from orientation.attachments.models import OrientationAttachment
from orientation.attachments.operations import delete_files, person_attachments
from orientation.extensions import db


def orientation_documents(orientation) -> dict:
    """Its documents and whether the user may add one."""
    if not permissions.can_view(current_user, orientation):
        return {"items": [], "form": None}
    items = list(
        db.session.scalars(
            sa.select(OrientationAttachment)
            .where(OrientationAttachment.orientation_id == orientation.id)
            .order_by(OrientationAttachment.created_at)
        )
    )
    return {"items": items, "form": AttachmentForm() if permissions.can_add(current_user, orientation) else None}


@signals.person_anonymised.connect
def _forget_files(person_ids):
    """The documents attached to an anonymised person's orientations lose their bytes and names."""
    delete_files(list(db.session.scalars(person_attachments(person_ids))))


@signals.template_helpers.connect
def _helpers(app):
    return {"orientation_documents": orientation_documents}
