"""The dashboard's filters, read from the URL: an unknown value is reported and ignored, never a failure."""

from __future__ import annotations

from wtforms import SelectField

from orientation.directory.thematiques import Volet
from orientation.forms import BaseForm
from orientation.pilotage.fragiles import PUBLIC_CHOICES
from orientation.pilotage.queries import Filters, month_label

MAP_INDICATORS = {
    "sent": "Orientations envoyées",
    "sent_per_10k": "Orientations envoyées pour 10 000 habitants",
    "accepted": "Orientations acceptées",
    "completed": "Orientations terminées",
    "completed_per_10k": "Orientations terminées pour 10 000 habitants",
    "acceptance_rate": "Taux d'acceptation",
    "completion_rate": "Part des acceptées menées à terme",
    "mas_cases": "Dossiers de renoncement aux soins (MAS)",
}


class FiltersForm(BaseForm):
    class Meta:
        csrf = False

    debut = SelectField("Du mois")
    fin = SelectField("Au mois")
    volet = SelectField("Volet", choices=[("", "Tous les volets")] + [(v.value, v.label) for v in Volet])
    epci = SelectField("EPCI de la personne")
    commune = SelectField("Commune de la personne", render_kw={"data-combobox": "commune"})
    emettrice = SelectField("Structure qui oriente")
    destinataire = SelectField("Structure destinataire")
    service = SelectField("Service")
    sens = SelectField(
        "Orientations", choices=[("recues", "Reçues par ma structure"), ("envoyees", "Envoyées par ma structure")]
    )
    indicateur = SelectField("Indicateur de la carte", choices=list(MAP_INDICATORS.items()))
    public = SelectField("Public (ventilation)", choices=[("", "Sans ventilation")] + PUBLIC_CHOICES)

    def fill_choices(self, *, months, epcis, communes, senders, receivers, services) -> None:
        month_choices = [(month, month_label(month)) for month in months]
        self.debut.choices = [("", "Depuis le début")] + month_choices
        self.fin.choices = [("", "Jusqu'à aujourd'hui")] + month_choices
        self.epci.choices = [("", "Tout le Vaucluse")] + epcis
        self.commune.choices = [("", "Toutes les communes")] + communes
        self.emettrice.choices = [("", "Toutes")] + senders
        self.destinataire.choices = [("", "Toutes")] + receivers
        self.service.choices = [("", "Tous les services")] + services

    def clean(self) -> list[str]:
        """Drop the values that are not among the choices; return French notices about them."""
        notices = []
        for field in (
            self.debut,
            self.fin,
            self.volet,
            self.epci,
            self.commune,
            self.emettrice,
            self.destinataire,
            self.service,
            self.sens,
            self.indicateur,
            self.public,
        ):
            allowed = {str(value) for value, _label in field.choices}
            if field.data not in allowed:
                if field.data not in (None, ""):
                    notices.append(f"« {field.label.text} » : valeur inconnue, filtre ignoré.")
                field.data = field.choices[0][0]
        if self.debut.data and self.fin.data and self.debut.data > self.fin.data:
            self.debut.data, self.fin.data = self.fin.data, self.debut.data
            notices.append("La période était inversée : elle a été remise dans l'ordre.")
        return notices

    def filters(self, *, organisation_id: int | None) -> Filters:
        def number(value):
            return int(value) if value else None

        filters = Filters(
            start=self.debut.data or None,
            end=self.fin.data or None,
            volet=Volet(self.volet.data) if self.volet.data else None,
            epci=self.epci.data or None,
            commune=self.commune.data or None,
            sender_id=number(self.emettrice.data),
            receiver_id=number(self.destinataire.data),
            service_id=number(self.service.data),
            public=self.public.data or None,
        )
        if organisation_id is not None:  # a manager: their structure, one direction at a time
            if self.sens.data == "envoyees":
                filters = filters.with_(sender_id=organisation_id)
            else:
                filters = filters.with_(receiver_id=organisation_id)
        return filters
