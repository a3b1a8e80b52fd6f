"""Forms of the RGPD area."""

from __future__ import annotations

from wtforms import BooleanField, SelectField

from orientation.audit.models import AuditAction
from orientation.forms import BaseForm, UrlFilters, required


class EraseForm(BaseForm):
    confirm = BooleanField(
        "J'ai vérifié la demande de la personne et je confirme l'effacement de sa fiche.",
        validators=[required("Cochez la case pour confirmer l'effacement.")],
    )


class StructureJournalFilters(UrlFilters):
    """The structure journal's filters."""

    par = SelectField("Par", choices=[("", "Tout le monde")])
    action = SelectField("Action", choices=[("", "Toutes")] + [(action.value, action.label) for action in AuditAction])
    hors_structure = BooleanField("Seulement les accès par d'autres structures")
    choice_fields = ("par", "action")

    def offer_agents(self, agents: list[tuple[int, str]]) -> None:
        self.par.choices = [("", "Tout le monde")] + [(str(user_id), name) for user_id, name in agents]
