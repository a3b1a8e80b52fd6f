"""Blueprint registration and what every template needs.

The composition root of the web app: it registers every area's blueprint (importing the blueprint
connects the area's receivers, see `orientation.signals`) and renders what the areas offer — menu
entries, home cards, actions, notices, template helpers — without knowing any of them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from orientation import signals
from orientation.api.blueprint import bp as api_bp
from orientation.api.blueprint import manage_bp as api_manage_bp
from orientation.attachments.blueprint import bp as attachments_bp
from orientation.auth.blueprint import bp as auth_bp
from orientation.auth.forms import EmptyForm, SwitchOrganisationForm
from orientation.auth.permissions import can_reset_second_factor
from orientation.auth.session import current_membership
from orientation.cpam.blueprint import bp as cpam_bp
from orientation.cpam.blueprint import sante_bp
from orientation.directory.blueprint import bp as directory_bp
from orientation.health import bp as health_bp
from orientation.main.blueprint import bp as main_bp
from orientation.notifications.blueprint import bp as notifications_bp
from orientation.ops.blueprint import bp as ops_bp
from orientation.organisations.blueprint import bp as organisations_bp
from orientation.organisations.blueprint import invitations_bp
from orientation.people.blueprint import bp as people_bp
from orientation.pilotage.blueprint import bp as pilotage_bp
from orientation.referrals.blueprint import bp as referrals_bp
from orientation.referrals.blueprint import links_bp as receiver_links_bp
from orientation.rgpd.blueprint import bp as rgpd_bp
from orientation.rgpd.blueprint import structure_bp as rgpd_structure_bp
from orientation.templating import register_filters


def home_tiles(membership) -> list[dict]:
    """The home page's tiles the areas offer this user (`signals.home_cards`), in their order; those with
    a count are today's work (each opens its list filtered to exactly the items counted)."""
    return [
        {
            "title": card.title,
            "detail": card.detail,
            "url": url_for(card.endpoint, **dict(card.args)),
            "count": card.count,
        }
        for card in signals.collect(signals.home_cards, current_user._get_current_object(), membership=membership)
    ]


def person_actions(person) -> list:
    """Buttons other areas add to a person's file (`signals.person_actions`): {label, url}."""
    return signals.collect(
        signals.person_actions, person, user=current_user._get_current_object(), membership=current_membership()
    )


def orientation_notices(orientation) -> list:
    """Notices other areas add on an orientation's page (`signals.orientation_notices`): {text, label, url}."""
    return signals.collect(signals.orientation_notices, orientation, user=current_user._get_current_object())


def navigation_items() -> list[dict]:
    """The bar's entries: {"label", "endpoint"} or, for a group, {"label", "children": [...]} in place of
    its first entry; `current` marks the page shown, or the entry of its area (a person's file under
    "Personnes"): the first visible entry of the same blueprint — the account pages have none."""
    if not current_user.is_authenticated:
        return []
    visible = [
        (item.endpoint, item.label, item.group)
        for item in signals.collect(
            signals.menu_items, current_user._get_current_object(), membership=current_membership()
        )
    ]
    here = request.endpoint or ""
    claimed = [
        answer
        for _receiver, answer in signals.menu_entry_of_page.send(
            here, view_args=request.view_args or {}, membership=current_membership()
        )
        if answer
    ]
    if any(endpoint == here for endpoint, _l, _g in visible):
        current = here
    elif claimed:
        current = claimed[0]
    else:
        current = next(
            (
                endpoint
                for endpoint, _l, _g in visible
                if endpoint.split(".")[0] == here.split(".")[0] and not here.startswith("auth.")
            ),
            None,
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
    for blueprint in (
        main_bp,
        auth_bp,
        organisations_bp,
        invitations_bp,
        health_bp,
        ops_bp,
        notifications_bp,
        directory_bp,
        people_bp,
        referrals_bp,
        receiver_links_bp,
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
    helpers = _template_helpers(app)

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
            **helpers,
        }

    app.after_request(security_headers)


def _template_helpers(app: Flask) -> dict:
    """The functions the areas lend to every template (`signals.template_helpers`), collected once."""
    helpers = {}
    for receiver, offered in signals.template_helpers.send(app):
        if clash := set(offered) & set(helpers):
            raise RuntimeError(f"template helpers offered twice: {sorted(clash)} ({receiver.__module__})")
        helpers.update(offered)
    return helpers


def content_security_policy() -> str:
    """No inline script or style anywhere: every script and stylesheet is a file served by the app."""
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
