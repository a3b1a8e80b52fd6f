"""Every URL of the auth area."""

from flask import Blueprint

from orientation.auth import views

bp = Blueprint("auth", __name__)

bp.add_url_rule("/connexion", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/deconnexion", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/mot-de-passe-oublie", "request_password_reset", views.request_password_reset,
                methods=["GET", "POST"])
bp.add_url_rule("/mot-de-passe/<token>", "reset_password", views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/invitation/<token>", "accept_invitation", views.accept_invitation,
                methods=["GET", "POST"])
bp.add_url_rule("/organisation-courante", "switch_organisation", views.switch_organisation,
                methods=["POST"])
