"""Every URL of the main area (home and site pages)."""

from flask import Blueprint

from orientation.main import signals, views  # noqa: F401 (signals: connects the area's receivers)

bp = Blueprint("main", __name__)

bp.add_url_rule("/", "home", views.home)
bp.add_url_rule("/accessibilite", "accessibility", views.accessibility)
