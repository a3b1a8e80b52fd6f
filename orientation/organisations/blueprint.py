"""Every URL of the organisations area."""

from flask import Blueprint

from orientation.organisations import signals, views  # noqa: F401 (signals: connects the area's receivers)

bp = Blueprint("organisations", __name__, url_prefix="/structures")
# The link of an invitation e-mail: joining a structure (and, for a newcomer, creating the account).
invitations_bp = Blueprint("invitations", __name__)
invitations_bp.add_url_rule("/invitation/<token>", "accept", views.accept_invitation, methods=["GET", "POST"])

bp.add_url_rule("/", "list", views.list_organisations)
bp.add_url_rule("/nouvelle", "create", views.edit_organisation, methods=["GET", "POST"])
bp.add_url_rule("/<int:organisation_id>/modifier", "edit", views.edit_organisation, methods=["GET", "POST"])
bp.add_url_rule("/<int:organisation_id>/membres", "members", views.members, methods=["GET", "POST"])
bp.add_url_rule(
    "/<int:organisation_id>/preferences", "notification_preference", views.notification_preference, methods=["POST"]
)
bp.add_url_rule("/membres/<int:membership_id>/role", "change_role", views.change_role, methods=["POST"])
bp.add_url_rule("/membres/<int:membership_id>/retirer", "remove_member", views.remove_member, methods=["POST"])
bp.add_url_rule(
    "/invitations/<int:invitation_id>/annuler", "revoke_invitation", views.revoke_invitation, methods=["POST"]
)
