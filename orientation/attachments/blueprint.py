"""Every URL of the attachments area, and the panel shown on an orientation's page."""

from flask import Blueprint

from orientation.attachments import views

bp = Blueprint("attachments", __name__, url_prefix="/orientations")

bp.add_url_rule("/<int:orientation_id>/documents", "upload", views.upload, methods=["POST"])
bp.add_url_rule("/documents/<int:attachment_id>", "download", views.download)


@bp.app_context_processor
def _attachments_panel():
    """`orientation_documents(orientation)`: its documents and whether the user may add one."""
    import sqlalchemy as sa
    from flask_login import current_user

    from orientation.attachments import permissions
    from orientation.attachments.forms import AttachmentForm
    from orientation.attachments.models import OrientationAttachment
    from orientation.extensions import db

    def orientation_documents(orientation) -> dict:
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

    return {"orientation_documents": orientation_documents}
