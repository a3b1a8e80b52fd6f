"""Forms of the RGPD area."""

from __future__ import annotations

from wtforms import BooleanField

from orientation.forms import BaseForm, required


class EraseForm(BaseForm):
    confirm = BooleanField("J'ai vérifié la demande de la personne et je confirme l'effacement de sa fiche.",
                           validators=[required("Cochez la case pour confirmer l'effacement.")])
