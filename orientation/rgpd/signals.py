"""What the RGPD area offers the layout: the structure's journal in the « Gestion » menu, and the RGPD
buttons of a person's page."""

from flask import url_for
from flask_login import current_user

from orientation import signals
from orientation.rgpd import permissions
from orientation.signals import MANAGEMENT, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    if permissions.can_view_structure_journal(user, membership):
        return MenuItem(140, "rgpd_structure.journal", "Journal des accès aux fiches", MANAGEMENT)
    return None


def rgpd_actions(person) -> list[tuple[str, str, str]]:
    """The RGPD buttons of a person's page, those the user may use: (label, url, icon)."""
    actions = [
        ("Exporter les données", "rgpd.export", "fr-icon-download-line", permissions.can_export),
        ("Ce qui a été partagé", "rgpd.shared", "fr-icon-team-line", permissions.can_view_shared),
        ("Journal des accès", "rgpd.journal", "fr-icon-eye-line", permissions.can_view_journal),
        ("Effacer", "rgpd.erase", "fr-icon-delete-line", permissions.can_erase),
    ]
    return [
        (label, url_for(endpoint, person_id=person.id), icon)
        for label, endpoint, icon, allowed in actions
        if allowed(current_user, person)
    ]


@signals.template_helpers.connect
def _helpers(app):
    return {"rgpd_actions": rgpd_actions}
