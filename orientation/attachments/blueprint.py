"""Every URL of the attachments area."""

from flask import Blueprint

from orientation.attachments import signals, views  # noqa: F401 (signals: connects the area's receivers)

bp = Blueprint("attachments", __name__, url_prefix="/orientations")

bp.add_url_rule("/<int:orientation_id>/documents", "upload", views.upload, methods=["POST"])
bp.add_url_rule("/documents/<int:attachment_id>", "download", views.download)
