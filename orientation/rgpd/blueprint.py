"""Every URL of the RGPD area (a person's rights, the journal of their file, the structure's journal)."""

from flask import Blueprint

from orientation.rgpd import views

bp = Blueprint("rgpd", __name__, url_prefix="/personnes/<int:person_id>/rgpd")

bp.add_url_rule("/journal", "journal", views.journal)
bp.add_url_rule("/journal.csv", "journal_csv", views.journal_csv)
bp.add_url_rule("/export", "export", views.export_page)
bp.add_url_rule("/export.json", "export_json", views.export_json)
bp.add_url_rule("/partage", "shared", views.shared)
bp.add_url_rule("/effacer", "erase", views.erase, methods=["GET", "POST"])

# The manager's view over every file of the structure they act for.
structure_bp = Blueprint("rgpd_structure", __name__, url_prefix="/journal-des-acces")
structure_bp.add_url_rule("/", "journal", views.structure_journal)
structure_bp.add_url_rule("/journal.csv", "journal_csv", views.structure_journal_csv)


@bp.app_context_processor
def _person_rgpd_actions():
    """`rgpd_actions(person)`: the RGPD buttons of a person's page, those the user may use."""
    from flask import url_for
    from flask_login import current_user

    from orientation.rgpd import permissions

    def rgpd_actions(person) -> list[tuple[str, str, str]]:
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

    return {"rgpd_actions": rgpd_actions}
