"""Every URL of the referrals area."""

from flask import Blueprint

from orientation.referrals import followups, notifications, signals, views  # noqa: F401 (rules, delivery checks, receivers)

bp = Blueprint("referrals", __name__, url_prefix="/orientations")

bp.add_url_rule("/nouvelle", "create", views.create, methods=["GET", "POST"])
bp.add_url_rule("/nouvelle/personne", "choose_person", views.choose_person)
bp.add_url_rule("/recues", "inbox", views.inbox)
bp.add_url_rule("/envoyees", "sent", views.sent)
bp.add_url_rule("/<int:orientation_id>", "show", views.show)
bp.add_url_rule("/<int:orientation_id>/statut", "change_status", views.change_status, methods=["POST"])
bp.add_url_rule("/<int:orientation_id>/commentaires", "add_comment", views.add_comment, methods=["POST"])
bp.add_url_rule("/<int:orientation_id>/rendez-vous", "add_appointment", views.add_appointment, methods=["POST"])
bp.add_url_rule(
    "/rendez-vous/<int:appointment_id>/suite", "appointment_status", views.appointment_status, methods=["POST"]
)
bp.add_url_rule(
    "/<int:orientation_id>/service-obtenu", "service_obtained", views.service_obtained, methods=["GET", "POST"]
)
