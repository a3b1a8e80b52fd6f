"""Every URL of the pilotage area."""

from flask import Blueprint

from orientation.pilotage import signals, tasks, views  # noqa: F401 (connects the area's receivers, registers the worker's task)

bp = Blueprint("pilotage", __name__, url_prefix="/pilotage")

bp.add_url_rule("/", "dashboard", views.dashboard)
bp.add_url_rule("/carte", "map", views.map_view)
bp.add_url_rule("/carte/zones-blanches", "white_zones_map", views.white_zones_map)
bp.add_url_rule("/synthese", "summary", views.summary)
bp.add_url_rule("/export/<table>.<fmt>", "export", views.export_table)
