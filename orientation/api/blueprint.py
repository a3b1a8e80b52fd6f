"""Every URL of the API area: the partner API under /api/v1 (token auth, no cookies, so exempt
from CSRF here, in one place, and rate-limited per token), and the managers' pages."""

from flask import Blueprint

from orientation.api import pages, signals, views, webhooks  # noqa: F401 (connects receivers; registers the outbox channel)
from orientation.api.auth import address_key, address_rate_limit_value, rate_limit_key, rate_limit_value
from orientation.api.problems import ApiProblem, problem_response
from orientation.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/openapi.json", "openapi_document", views.openapi_document)
bp.add_url_rule("/docs", "docs", views.docs)
bp.add_url_rule("/data-inclusion/structures", "data_inclusion_structures", views.data_inclusion_structures)
bp.add_url_rule("/data-inclusion/services", "data_inclusion_services", views.data_inclusion_services)
bp.add_url_rule("/hsds/", "hsds_root", views.hsds_root)
bp.add_url_rule("/hsds/services", "hsds_services", views.hsds_services)
bp.add_url_rule("/hsds/services/<id>", "hsds_service", views.hsds_service)
bp.add_url_rule("/hsds/organizations", "hsds_organizations", views.hsds_organizations)
bp.add_url_rule("/hsds/organizations/<id>", "hsds_organization", views.hsds_organization)
bp.add_url_rule("/hsds/service_at_locations", "hsds_service_at_locations", views.hsds_service_at_locations)
bp.add_url_rule("/orientations", "orientations", views.list_orientations)
bp.add_url_rule("/orientations", "create_orientation", views.create_orientation, methods=["POST"])
bp.add_url_rule("/orientations/<int:orientation_id>", "orientation", views.get_orientation)
bp.add_url_rule("/orientations/<int:orientation_id>/status", "change_status", views.change_status, methods=["POST"])
bp.add_url_rule("/orientations/<int:orientation_id>/comments", "add_comment", views.add_comment, methods=["POST"])
bp.add_url_rule(
    "/orientations/<int:orientation_id>/appointments", "add_appointment", views.add_appointment, methods=["POST"]
)
bp.add_url_rule(
    "/orientations/<int:orientation_id>/appointments/<int:appointment_id>/status",
    "appointment_status",
    views.appointment_status,
    methods=["POST"],
)

bp.register_error_handler(ApiProblem, problem_response)
bp.before_request(views.check_query_parameters)
csrf.exempt(bp)
limiter.limit(rate_limit_value, key_func=rate_limit_key)(bp)
limiter.limit(address_rate_limit_value, key_func=address_key)(bp)

manage_bp = Blueprint("api_manage", __name__, url_prefix="/structure/api")

manage_bp.add_url_rule("/", "index", pages.index)
manage_bp.add_url_rule("/jetons", "create_token", pages.create_token, methods=["GET", "POST"])
manage_bp.add_url_rule("/jetons/<int:token_id>/revoquer", "revoke_token", pages.revoke_token, methods=["POST"])
manage_bp.add_url_rule("/webhooks", "create_webhook", pages.create_webhook, methods=["GET", "POST"])
manage_bp.add_url_rule(
    "/webhooks/<int:endpoint_id>/desactiver", "disable_webhook", pages.disable_webhook, methods=["POST"]
)
