"""Every URL of the notifications area."""

from flask import Blueprint

from orientation.notifications import signals, views  # noqa: F401 (signals: connects the area's receivers)

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

bp.add_url_rule("/", "inbox", views.inbox)
bp.add_url_rule("/<int:notification_id>/ouvrir", "open", views.open_notification)
bp.add_url_rule("/choix", "choices", views.choices, methods=["GET", "POST"])
bp.add_url_rule("/echecs", "failures", views.failures)
bp.add_url_rule("/<int:message_id>/renvoyer", "retry", views.retry, methods=["POST"])
