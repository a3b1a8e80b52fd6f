"""Blueprint registration and what every template needs."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, url_for
from flask_login import current_user

from orientation.auth.session import current_membership
from orientation.templating import register_filters


def _is_cpam(user) -> bool:
    from orientation.cpam.permissions import cpam_organisation_ids

    return bool(cpam_organisation_ids(user))


# (endpoint, label, who sees it): areas add their entry here as they are built.
NAVIGATION: list[tuple[str, str, Callable]] = [
    ("main.home", "Accueil", lambda user: True),
    ("directory.search", "Annuaire", lambda user: True),
    ("people.list", "Personnes", lambda user: bool(user.memberships)),
    ("referrals.inbox", "Orientations reçues", lambda user: bool(user.memberships)),
    ("referrals.sent", "Orientations envoyées", lambda user: bool(user.memberships)),
    ("cpam.queue", "File MAS", lambda user: _is_cpam(user)),
    ("cpam.reports", "Signalements santé", lambda user: bool(user.memberships) and not _is_cpam(user)),
    ("cpam.dashboard", "Renoncement aux soins", lambda user: user.is_coordinator or _is_cpam(user)),
    ("organisations.list", "Structures et comptes", lambda user: user.is_coordinator),
    ("notifications.failures", "Messages en échec", lambda user: user.is_coordinator),
    ("api_manage.index", "API", lambda user: _manages_api(user)),
]


# Tiles on the home page: (title, detail, endpoint, who sees it); areas add theirs.
HOME_TILES: list[tuple[str, str, str, Callable]] = [
    ("Trouver un service", "Chercher dans l'annuaire par besoin et par commune, voir la carte.",
     "directory.search", lambda user, membership: True),
    ("Personnes accompagnées", "Créer une fiche, recueillir le consentement, noter les besoins et orienter.",
     "people.list", lambda user, membership: membership is not None),
    ("Orientations reçues", "Accuser réception, décider, fixer les rendez-vous et donner le résultat.",
     "referrals.inbox", lambda user, membership: membership is not None),
    ("Orientations envoyées", "Savoir où en est chaque personne orientée, jusqu'au résultat.",
     "referrals.sent", lambda user, membership: membership is not None),
    ("Signaler un renoncement aux soins", "Transmettre à la Mission d'Accompagnement en Santé de la CPAM et suivre "
     "le résultat.", "cpam.saisine", lambda user, membership: _files_saisines(user, membership)),
    ("File de la Mission d'Accompagnement en Santé", "Contacter, faire le bilan des droits, trouver des praticiens, "
     "suivre jusqu'aux soins.", "cpam.queue", lambda user, membership: _works_mas_cases(user, membership)),
]


def _files_saisines(user, membership) -> bool:
    from orientation.cpam.permissions import can_file_saisine

    return can_file_saisine(user, membership)


def _works_mas_cases(user, membership) -> bool:
    from orientation.cpam.permissions import can_view_queue

    return can_view_queue(user, membership)


def _manages_api(user) -> bool:
    from orientation.api.permissions import can_manage_api

    return can_manage_api(user, current_membership())


def home_tiles(membership) -> list[dict]:
    return [
        {"title": title, "detail": detail, "url": url_for(endpoint)}
        for title, detail, endpoint, visible in HOME_TILES
        if visible(current_user, membership)
    ]


def navigation_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label, visible in NAVIGATION if visible(current_user)]


def register_blueprints(app: Flask) -> None:
    from orientation.api.blueprint import bp as api_bp
    from orientation.api.blueprint import manage_bp as api_manage_bp
    from orientation.auth.blueprint import bp as auth_bp
    from orientation.cpam.blueprint import bp as cpam_bp
    from orientation.cpam.blueprint import sante_bp
    from orientation.directory.blueprint import bp as directory_bp
    from orientation.health import bp as health_bp
    from orientation.main.blueprint import bp as main_bp
    from orientation.notifications.blueprint import bp as notifications_bp
    from orientation.organisations.blueprint import bp as organisations_bp
    from orientation.people.blueprint import bp as people_bp
    from orientation.referrals.blueprint import bp as referrals_bp

    for blueprint in (main_bp, auth_bp, organisations_bp, health_bp, notifications_bp, directory_bp, people_bp,
                      referrals_bp, cpam_bp, sante_bp, api_bp, api_manage_bp):
        app.register_blueprint(blueprint)
    register_filters(app)

    from orientation.auth.forms import EmptyForm, SwitchOrganisationForm

    @app.context_processor
    def _layout_context():
        return {
            "current_membership": current_membership(),
            "logout_form": EmptyForm,
            "switch_form": SwitchOrganisationForm,
            "navigation_items": navigation_items,
            "home_tiles": home_tiles,
        }

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
