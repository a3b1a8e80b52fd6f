"""Every URL of the referrals area."""

from flask import Blueprint

from orientation.extensions import limit_from
from orientation.referrals import followups, link_views, notifications, outcome_details, signals, views  # noqa: F401 (rules, delivery checks, receivers)

bp = Blueprint("referrals", __name__, url_prefix="/orientations")
# A receiver without an account, by its personal link (referrals.link_views).
links_bp = Blueprint("receiver_links", __name__, url_prefix="/lien")
links_bp.after_request(link_views.private_headers)
# The completion form's questions and the answers in words (templates/referrals/_outcome_details.html).
bp.add_app_template_global(outcome_details.kinds_of, "outcome_detail_kinds")
bp.add_app_template_global(outcome_details.lines, "outcome_detail_lines")


bp.add_url_rule("/nouvelle", "create", views.create, methods=["GET", "POST"])
bp.add_url_rule("/nouvelle/personne", "choose_person", views.choose_person)
bp.add_url_rule("/recues", "inbox", views.inbox)
bp.add_url_rule("/envoyees", "sent", views.sent)
bp.add_url_rule("/<int:orientation_id>", "show", views.show)
bp.add_url_rule("/<int:orientation_id>/fiche", "print", views.print_fiche)
bp.add_url_rule("/<int:orientation_id>/statut", "change_status", views.change_status, methods=["POST"])
bp.add_url_rule("/<int:orientation_id>/commentaires", "add_comment", views.add_comment, methods=["POST"])
bp.add_url_rule("/<int:orientation_id>/rendez-vous", "add_appointment", views.add_appointment, methods=["POST"])
bp.add_url_rule(
    "/rendez-vous/<int:appointment_id>/suite", "appointment_status", views.appointment_status, methods=["POST"]
)
bp.add_url_rule(
    "/<int:orientation_id>/service-obtenu", "service_obtained", views.service_obtained, methods=["GET", "POST"]
)
bp.add_url_rule("/liens", "receiver_links", link_views.receiver_links)
bp.add_url_rule(
    "/<int:orientation_id>/liens/<int:link_id>/revoquer", "revoke_link", link_views.revoke_link, methods=["POST"]
)
bp.add_url_rule("/<int:orientation_id>/liens/renvoyer", "resend_link", link_views.resend_link, methods=["POST"])

links_bp.add_url_rule(
    "/nouveau",
    "request_link",
    limit_from("RATELIMIT_RECEIVER_LINK_REQUEST", methods=["POST"])(
        limit_from(
            "RATELIMIT_RECEIVER_LINK_REQUEST_PER_ADDRESS", key_func=link_views.requested_address_key, methods=["POST"]
        )(link_views.request_link)
    ),
    methods=["GET", "POST"],
)
links_bp.add_url_rule("/orientation/<int:orientation_id>", "orientation", link_views.orientation)
links_bp.add_url_rule(
    "/orientation/<int:orientation_id>/statut", "change_status", link_views.change_status, methods=["POST"]
)
links_bp.add_url_rule(
    "/orientation/<int:orientation_id>/commentaires", "add_comment", link_views.add_comment, methods=["POST"]
)
links_bp.add_url_rule(
    "/orientation/<int:orientation_id>/rendez-vous", "add_appointment", link_views.add_appointment, methods=["POST"]
)
links_bp.add_url_rule(
    "/orientation/<int:orientation_id>/rendez-vous/<int:appointment_id>/suite",
    "appointment_status",
    link_views.appointment_status,
    methods=["POST"],
)
links_bp.add_url_rule(
    "/<token>",
    "open_link",
    limit_from("RATELIMIT_RECEIVER_LINK")(link_views.open_link),
    methods=["GET", "POST"],
)
links_bp.add_url_rule(
    "/<token>/code",
    "send_code",
    limit_from("RATELIMIT_RECEIVER_LINK_CODE", key_func=link_views.link_code_key)(
        limit_from("RATELIMIT_RECEIVER_LINK")(link_views.send_code)
    ),
    methods=["POST"],
)
