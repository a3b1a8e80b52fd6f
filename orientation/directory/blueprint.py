"""Every URL of the directory area."""

from flask import Blueprint, current_app, request

from orientation.directory import hours, labels, signals, views  # noqa: F401 (signals: connects the area's receivers)
from orientation.directory.reach import ServiceReach, reach_of
from orientation.directory.thematiques import enumeration, thematique_label
from orientation.directory.zones import zone_labels
from orientation.extensions import account_or_address_key, limit_from

bp = Blueprint("directory", __name__, url_prefix="/annuaire")

# Per account (a whole office behind one address searches normally), per address when anonymous.
_search_limit = limit_from("RATELIMIT_DIRECTORY_SEARCH", key_func=account_or_address_key)
bp.add_url_rule("/", "search", _search_limit(views.search))
bp.add_url_rule("/a-verifier", "stale", views.stale)
bp.add_url_rule("/services/<int:service_id>", "service", views.service)
bp.add_url_rule("/services/<int:service_id>/modifier", "edit_service", views.edit_service, methods=["GET", "POST"])
bp.add_url_rule("/services/<int:service_id>/confirmer", "confirm_service", views.confirm_service, methods=["POST"])
bp.add_url_rule("/structures/<int:structure_id>", "structure", views.structure)
bp.add_url_rule(
    "/structures/<int:structure_id>/modifier", "edit_structure", views.edit_structure, methods=["GET", "POST"]
)
bp.add_url_rule("/a-confirmer", "to_confirm", views.to_confirm)
# The « Tout est à jour » link of the freshness e-mail (signed; no account session needed).
bp.add_url_rule("/a-jour/<token>", "confirm_freshness", views.confirm_freshness, methods=["GET", "POST"])
bp.add_url_rule("/services/<int:service_id>/signaler", "report_error", views.report_error, methods=["GET", "POST"])
bp.add_url_rule("/signalements", "reports", views.reports)
bp.add_url_rule("/signalements/<int:report_id>/traite", "report_done", views.report_done, methods=["POST"])
bp.add_url_rule(
    "/structures/<int:structure_id>/services/nouveau", "create_service", views.edit_service, methods=["GET", "POST"]
)

bp.add_url_rule("/imports", "imports", views.imports, methods=["GET", "POST"])
bp.add_url_rule("/imports/synchroniser", "start_sync", views.start_sync, methods=["POST"])
bp.add_url_rule("/imports/<int:run_id>", "import_run", views.import_run)
bp.add_url_rule("/imports/<int:run_id>/appliquer", "apply_import", views.apply_import, methods=["POST"])
bp.add_url_rule("/imports/<int:run_id>/etat", "import_progress", views.import_progress)


def _import_body_limit() -> None:
    """The import form takes national files (DIRECTORY_IMPORT_MAX_BYTES, spooled to disk by Werkzeug);
    every other request keeps MAX_CONTENT_LENGTH."""
    if request.endpoint == "directory.imports":
        request.max_content_length = current_app.config["DIRECTORY_IMPORT_MAX_BYTES"] + 2**20


# First of the app's hooks: the global CSRF check reads the body, so the limit must be raised before it
# (a blueprint's own before_request hooks run after the app's).
bp.record_once(lambda state: state.app.before_request_funcs.setdefault(None, []).insert(0, _import_body_limit))


@bp.app_template_global("service_reach")
def _service_reach(service) -> ServiceReach:
    """How the service is reached (members, e-mail link, contact direct): every badge and list reads this."""
    return reach_of(service)


@bp.app_template_global("structure_labels")
def _structure_labels(structure) -> list[tuple[str, str]]:
    """(slug, French name) of the structure's national labels and networks (France Services…)."""
    return [(slug, labels.label_name(slug)) for slug in labels.labels_of(structure)]


@bp.app_template_global("thematique_label")
def _thematique_label(code: str) -> str:
    return thematique_label(code)


@bp.app_template_filter("directory_label")
def _directory_label(value: str, enumeration_name: str) -> str:
    """The French label of a data·inclusion code ("en-presentiel" → "En présentiel")."""
    return enumeration(enumeration_name).get(value, value)


@bp.app_template_filter("hours_fr")
def _hours_fr(expression: str | None) -> str | None:
    """Opening hours in plain French, or None when they are not in a recognised form (shown as written)."""
    return hours.french(expression)


@bp.app_template_filter("zone_labels")
def _zone_labels(codes) -> list[str]:
    """The names of eligibility zones (never their codes)."""
    return zone_labels(codes)
