"""Every URL of the people area."""

from flask import Blueprint

from orientation.people import signals, views  # noqa: F401 (signals: connects the area's receivers)

bp = Blueprint("people", __name__, url_prefix="/personnes")

bp.add_url_rule("/", "list", views.list_people)
bp.add_url_rule("/nouvelle", "create", views.edit_person, methods=["GET", "POST"])
bp.add_url_rule("/<int:person_id>", "show", views.show)
bp.add_url_rule("/<int:person_id>/modifier", "edit", views.edit_person, methods=["GET", "POST"])
bp.add_url_rule("/<int:person_id>/consentement", "add_consent", views.add_consent, methods=["GET", "POST"])
bp.add_url_rule(
    "/consentements/<int:consent_id>/retirer", "withdraw_consent", views.withdraw_consent, methods=["GET", "POST"]
)
bp.add_url_rule("/<int:person_id>/besoins/<volet>", "add_needs", views.add_needs, methods=["GET", "POST"])
bp.add_url_rule("/besoins/<int:need_id>/cloturer", "close_need", views.close_need, methods=["GET", "POST"])
bp.add_url_rule("/besoins/<int:need_id>/services", "suggest_services", views.suggest_services)
