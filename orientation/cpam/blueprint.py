"""Every URL of the CPAM area (and of its santé worklist)."""

from flask import Blueprint

from orientation.cpam import followups, signals, steps, views  # noqa: F401 (followups: declares its rules; signals: connects receivers)

bp = Blueprint("cpam", __name__, url_prefix="/cpam")

bp.add_url_rule("/saisine", "saisine", views.saisine, methods=["GET", "POST"])
bp.add_url_rule("/signalements", "reports", views.reports)
bp.add_url_rule("/file", "queue", views.queue)
bp.add_url_rule("/tableau-de-bord", "dashboard", views.dashboard)
bp.add_url_rule("/dossiers/<int:case_id>", "show", views.show)
# The case's pages, one per stage of the work: GET shows the page, POST records its form.
bp.add_url_rule("/dossiers/<int:case_id>/contact", "contact_page", views.case_page(steps.CONTACT))
bp.add_url_rule("/dossiers/<int:case_id>/prendre-en-charge", "open_case", views.open_case, methods=["POST"])
bp.add_url_rule("/dossiers/<int:case_id>/tentatives", "contact_attempt", views.contact_attempt, methods=["POST"])
bp.add_url_rule("/dossiers/<int:case_id>/etape", "change_stage", views.change_stage, methods=["POST"])
bp.add_url_rule("/dossiers/<int:case_id>/droits", "rights", views.rights, methods=["GET", "POST"])
bp.add_url_rule("/dossiers/<int:case_id>/praticiens", "practitioners", views.practitioners, methods=["GET", "POST"])
bp.add_url_rule("/dossiers/<int:case_id>/financement", "financing", views.financing, methods=["GET", "POST"])
bp.add_url_rule("/dossiers/<int:case_id>/suivi", "follow_up", views.follow_up, methods=["GET", "POST"])
bp.add_url_rule("/dossiers/<int:case_id>/attente", "waiting", views.waiting, methods=["POST"])
bp.add_url_rule("/dossiers/<int:case_id>/notes", "add_note", views.add_note, methods=["GET", "POST"])
bp.add_url_rule("/dossiers/<int:case_id>/cloture", "close", views.close, methods=["GET", "POST"])

sante_bp = Blueprint("sante", __name__, url_prefix="/sante")

sante_bp.add_url_rule("/medecin-traitant", "medecin_traitant", views.medecin_traitant_list)
sante_bp.add_url_rule(
    "/besoins/<int:need_id>/medecin-traitant-declare",
    "declare_medecin_traitant",
    views.declare_medecin_traitant,
    methods=["POST"],
)
