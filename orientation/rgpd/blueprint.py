"""Every URL of the RGPD area (a person's rights, the journal of their file, the structure's journal)."""

from flask import Blueprint

from orientation.rgpd import signals, views  # noqa: F401 (signals: connects the area's receivers)

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
