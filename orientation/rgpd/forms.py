"""Forms of the RGPD area."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import Optional

from orientation.audit.models import AuditAction
from orientation.forms import BaseForm, required


class EraseForm(BaseForm):
    confirm = BooleanField("J'ai vérifié la demande de la personne et je confirme l'effacement de sa fiche.",
                           validators=[required("Cochez la case pour confirmer l'effacement.")])


class StructureJournalFilters(BaseForm):
    """The structure journal's filters, read from the URL: a value that cannot be used is reported and ignored."""

    class Meta:
        csrf = False

    par = SelectField("Par", choices=[("", "Tout le monde")])
    action = SelectField("Action", choices=[("", "Toutes")] + [(action.value, action.label) for action in AuditAction])
    du = DateField("Du", validators=[Optional()])
    au = DateField("Au", validators=[Optional()])
    hors_structure = BooleanField("Seulement les accès par d'autres structures")

    def clean(self, agents: list[tuple[int, str]]) -> list[str]:
        """Keep the usable filters; return French notices about the others."""
        self.par.choices = [("", "Tout le monde")] + [(str(user_id), name) for user_id, name in agents]
        self.validate()
        notices = []
        for field in (self.par, self.action):
            if field.data not in {value for value, _label in field.choices}:
                notices.append(f"« {field.label.text} » : valeur inconnue, filtre ignoré.")
                field.data = ""
        for field in (self.du, self.au):
            if field.errors:
                notices.append(f"« {field.label.text} » : date illisible, filtre ignoré.")
                field.data = None
        if self.du.data and self.au.data and self.du.data > self.au.data:
            self.du.data, self.au.data = self.au.data, self.du.data
            notices.append("La période était inversée : elle a été remise dans l'ordre.")
        return notices

    @property
    def period(self) -> tuple[date | None, date | None]:
        return self.du.data, self.au.data
