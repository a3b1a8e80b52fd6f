"""Blueprint registration and what every template needs."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from orientation.auth.session import current_membership
from orientation.templating import register_filters


def _is_cpam(user) -> bool:
    from orientation.cpam.permissions import cpam_organisation_ids

    return bool(cpam_organisation_ids(user))


# (endpoint, label, who sees it, group): areas add their entry here as they are built. Entries of a
# group (the structure's and the département's management pages) open from one menu of the bar.
MANAGEMENT = "Gestion"
NAVIGATION: list[tuple[str, str, Callable, str | None]] = [
    ("main.home", "Accueil", lambda user: True, None),
    ("directory.search", "Annuaire", lambda user: True, None),
    ("people.list", "Personnes", lambda user: bool(user.memberships), None),
    ("referrals.inbox", "Orientations reçues", lambda user: bool(user.memberships), None),
    ("referrals.sent", "Orientations envoyées", lambda user: bool(user.memberships), None),
    ("cpam.queue", "File MAS", lambda user: _is_cpam(user), None),
    ("cpam.reports", "Signalements santé", lambda user: bool(user.memberships) and not _is_cpam(user), None),
    ("cpam.dashboard", "Renoncement aux soins", lambda user: user.is_coordinator or _is_cpam(user), None),
    ("pilotage.dashboard", "Pilotage", lambda user: _steers(user), None),
    ("organisations.list", "Structures et comptes", lambda user: user.is_coordinator, MANAGEMENT),
    ("notifications.failures", "Messages en échec", lambda user: user.is_coordinator, MANAGEMENT),
    ("auth.security_journal", "Journal de sécurité", lambda user: user.is_coordinator, MANAGEMENT),
    ("api_manage.index", "API de la structure", lambda user: _manages_api(user), MANAGEMENT),
    ("rgpd_structure.journal", "Journal des accès aux fiches", lambda user: _views_structure_journal(user), MANAGEMENT),
]


# Tiles on the home page: (title, detail, endpoint, who sees it); areas add theirs.
HOME_TILES: list[tuple[str, str, str, Callable]] = [
    (
        "Trouver un service",
        "Chercher dans l'annuaire par besoin et par commune, voir la carte.",
        "directory.search",
        lambda user, membership: True,
    ),
    (
        "Personnes accompagnées",
        "Créer une fiche, recueillir le consentement, noter les besoins et orienter.",
        "people.list",
        lambda user, membership: membership is not None,
    ),
    (
        "Orientations reçues",
        "Accuser réception, décider, fixer les rendez-vous et donner le résultat.",
        "referrals.inbox",
        lambda user, membership: membership is not None,
    ),
    (
        "Orientations envoyées",
        "Savoir où en est chaque personne orientée, jusqu'au résultat.",
        "referrals.sent",
        lambda user, membership: membership is not None,
    ),
    (
        "Signaler un renoncement aux soins",
        "Transmettre à la Mission d'Accompagnement en Santé de la CPAM et suivre le résultat.",
        "cpam.saisine",
        lambda user, membership: _files_saisines(user, membership),
    ),
    (
        "File de la Mission d'Accompagnement en Santé",
        "Contacter, faire le bilan des droits, trouver des praticiens, suivre jusqu'aux soins.",
        "cpam.queue",
        lambda user, membership: _works_mas_cases(user, membership),
    ),
    (
        "Pilotage du Schéma",
        "Chiffres, graphiques, carte par EPCI et exports, sans donnée personnelle.",
        "pilotage.dashboard",
        lambda user, membership: _steers(user, membership),
    ),
]


def _steers(user, membership=None) -> bool:
    from orientation.pilotage.permissions import can_view_pilotage

    return can_view_pilotage(user, membership if membership is not None else current_membership())


def service_responsiveness(service):
    """The service card's figures (median time to answer, acceptance rate), once it has received enough."""
    from orientation.pilotage.queries import service_responsiveness as figures

    return figures(service.id)


# Actions offered on a person's file by other areas: callables (user, person) -> {label, url} | None.
def _person_actions() -> list[Callable]:
    from orientation.cpam.links import saisine_action

    return [saisine_action]


# Notices on an orientation's page from other areas: callables (user, orientation) -> {text, label, url} | None.
def _orientation_notices() -> list[Callable]:
    from orientation.cpam.links import mas_case_notice

    return [mas_case_notice]


def person_actions(person) -> list[dict]:
    return [action for build in _person_actions() if (action := build(current_user, person))]


def orientation_notices(orientation) -> list[dict]:
    return [notice for build in _orientation_notices() if (notice := build(current_user, orientation))]


def _files_saisines(user, membership) -> bool:
    from orientation.cpam.permissions import can_file_saisine

    return can_file_saisine(user, membership)


def _works_mas_cases(user, membership) -> bool:
    from orientation.cpam.permissions import can_view_queue

    return can_view_queue(user, membership)


def _views_structure_journal(user) -> bool:
    from orientation.rgpd.permissions import can_view_structure_journal

    return can_view_structure_journal(user, current_membership())


def _manages_api(user) -> bool:
    from orientation.api.permissions import can_manage_api

    return can_manage_api(user, current_membership())


def home_tiles(membership) -> list[dict]:
    return [
        {"title": title, "detail": detail, "url": url_for(endpoint)}
        for title, detail, endpoint, visible in HOME_TILES
        if visible(current_user, membership)
    ]


def navigation_items() -> list[dict]:
    """The bar's entries: {"label", "endpoint"} or, for a group, {"label", "children": [...]} in place of
    its first entry; `current` marks the page shown, or the entry of its area (a person's file under
    "Personnes"): the first visible entry of the same blueprint — the account pages have none."""
    if not current_user.is_authenticated:
        return []
    visible = [(endpoint, label, group) for endpoint, label, shown, group in NAVIGATION if shown(current_user)]
    here = request.endpoint or ""
    current = (
        here
        if any(endpoint == here for endpoint, _l, _g in visible)
        else next(
            (
                endpoint
                for endpoint, _l, _g in visible
                if endpoint.split(".")[0] == here.split(".")[0] and not here.startswith("auth.")
            ),
            None,
        )
    )
    items, groups = [], {}
    for endpoint, label, group in visible:
        entry = {"label": label, "endpoint": endpoint, "current": endpoint == current}
        if group is None:
            items.append(entry)
        elif group in groups:
            groups[group]["children"].append(entry)
        else:
            groups[group] = {"label": group, "children": [entry], "id": f"menu-{len(groups)}"}
            items.append(groups[group])
    for group in groups.values():
        group["current"] = any(child["current"] for child in group["children"])
    return items


def register_blueprints(app: Flask) -> None:
    from orientation.api.blueprint import bp as api_bp
    from orientation.api.blueprint import manage_bp as api_manage_bp
    from orientation.attachments.blueprint import bp as attachments_bp
    from orientation.auth.blueprint import bp as auth_bp
    from orientation.cpam.blueprint import bp as cpam_bp
    from orientation.cpam.blueprint import sante_bp
    from orientation.directory.blueprint import bp as directory_bp
    from orientation.health import bp as health_bp
    from orientation.main.blueprint import bp as main_bp
    from orientation.notifications.blueprint import bp as notifications_bp
    from orientation.organisations.blueprint import bp as organisations_bp
    from orientation.people.blueprint import bp as people_bp
    from orientation.pilotage.blueprint import bp as pilotage_bp
    from orientation.referrals.blueprint import bp as referrals_bp
    from orientation.rgpd.blueprint import bp as rgpd_bp
    from orientation.rgpd.blueprint import structure_bp as rgpd_structure_bp

    for blueprint in (
        main_bp,
        auth_bp,
        organisations_bp,
        health_bp,
        notifications_bp,
        directory_bp,
        people_bp,
        referrals_bp,
        cpam_bp,
        sante_bp,
        rgpd_bp,
        rgpd_structure_bp,
        attachments_bp,
        pilotage_bp,
        api_bp,
        api_manage_bp,
    ):
        app.register_blueprint(blueprint)
    register_filters(app)

    from orientation.auth.forms import EmptyForm, SwitchOrganisationForm
    from orientation.auth.permissions import can_reset_second_factor

    # The layout's forms only carry their CSRF token and never read the request: an error page
    # (a 413 whose body must not be parsed) still renders the header.
    def logout_form():
        return EmptyForm(formdata=None)

    def switch_form(**data):
        return SwitchOrganisationForm(formdata=None, **data)

    @app.context_processor
    def _layout_context():
        return {
            "current_membership": current_membership(),
            "logout_form": logout_form,
            "switch_form": switch_form,
            "navigation_items": navigation_items,
            "home_tiles": home_tiles,
            "person_actions": person_actions,
            "orientation_notices": orientation_notices,
            "can_reset_second_factor": can_reset_second_factor,
            "service_responsiveness": service_responsiveness,
        }

    app.after_request(security_headers)


def content_security_policy() -> str:
    """No inline script or style anywhere: every script and stylesheet is a file served by the app."""
    from urllib.parse import urlsplit

    config = current_app.config
    images = " ".join(["'self'", "data:", *config["CSP_IMG_SOURCES"]])
    # Chrome applies form-action to the redirect that follows a POST: logout goes on to ProConnect.
    form_targets = "'self'"
    if config.get("PROCONNECT_DISCOVERY_URL"):
        parts = urlsplit(config["PROCONNECT_DISCOVERY_URL"])
        form_targets += f" {parts.scheme}://{parts.netloc}"
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; font-src 'self'; "
        f"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action {form_targets}; "
        "frame-ancestors 'none'"
    )


def security_headers(response):
    """On every response (pages, JSON, errors, files): the browser-side protections."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
    if current_app.config["HSTS_SECONDS"]:
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
        )
    if current_user and current_user.is_authenticated and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"  # pages about people stay out of shared and back-button caches
    return response
