"""Every URL of the organisations area."""

from flask import Blueprint

from orientation.extensions import limit_from

# signals: the area's receivers; freshness: its follow-up rule (the freshness e-mail)
from orientation.organisations import freshness, joining_views, my_structure, signals, views  # noqa: F401

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

# A structure of the directory gets its space. The request is public (the contact reached by an e-mail
# link has no account) and sends an e-mail: limited per address like a password reset.
_join_limit = limit_from("RATELIMIT_PASSWORD_RESET", methods=["POST"])
bp.add_url_rule(
    "/<int:structure_id>/rejoindre", "join_request", _join_limit(joining_views.join_request), methods=["GET", "POST"]
)
bp.add_url_rule(
    "/rejoindre/<token>", "confirm_join_request", joining_views.confirm_join_request, methods=["GET", "POST"]
)
bp.add_url_rule("/demandes", "join_requests", joining_views.join_requests)
bp.add_url_rule(
    "/demandes/<int:join_request_id>/accepter",
    "accept_join_request",
    joining_views.accept_join_request,
    methods=["POST"],
)
bp.add_url_rule(
    "/demandes/<int:join_request_id>/refuser",
    "refuse_join_request",
    joining_views.refuse_join_request,
    methods=["GET", "POST"],
)
bp.add_url_rule("/rattachements", "attach_structures", joining_views.attach_structures, methods=["GET", "POST"])
bp.add_url_rule(
    "/rattachements/<int:structure_id>/detacher", "detach_structure", joining_views.detach_structure, methods=["POST"]
)
bp.add_url_rule(
    "/services/<int:service_id>/destinataire",
    "service_receiver",
    joining_views.service_receiver,
    methods=["GET", "POST"],
)
# « Ma structure »: the manager's place for the structure they act for (the API tab is the API area's page).
bp.add_url_rule("/ma-structure", "my_structure", my_structure.details, methods=["GET", "POST"])
bp.add_url_rule("/ma-structure/services", "my_structure_services", my_structure.services)
bp.add_url_rule("/ma-structure/membres", "my_members", my_structure.members, methods=["GET", "POST"])
bp.add_url_rule("/ma-structure/reception", "my_reception", my_structure.reception, methods=["GET", "POST"])
