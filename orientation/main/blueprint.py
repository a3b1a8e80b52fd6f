"""Every URL of the main area (home and site pages)."""

from flask import Blueprint

from orientation.main import views

bp = Blueprint("main", __name__)

bp.add_url_rule("/", "home", views.home)
bp.add_url_rule("/accessibilite", "accessibility", views.accessibility)
