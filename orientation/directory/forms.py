"""Directory forms: the search (GET, state kept in the URL) and the service edit form."""

from __future__ import annotations

import math

from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.validators import NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from orientation.directory import hours
from orientation.directory.models import Capacity, Frais, ServiceType
from orientation.directory.queries import MAX_DISTANCE_KM, SearchParams
from orientation.directory.text import MAX_QUERY_LENGTH
from orientation.directory.thematiques import Volet, enumeration, oriented_thematique_choices
from orientation.extensions import db
from orientation.followups import overrides
from orientation.followups.rules import service_delays
from orientation.forms import BaseForm, email_address, max_length, required, strip
from orientation.territory.models import Commune, Epci
from orientation.territory.queries import commune_choices

URL_MESSAGE = "Indiquez une adresse web commençant par https://."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _enum_choices(name: str, blank: str | None = None) -> list[tuple[str, str]]:
    choices = list(enumeration(name).items())
    return ([("", blank)] if blank is not None else []) + choices


class SearchForm(BaseForm):
    """Read from the URL: an unknown value is reported and its filter ignored, never a failure."""

    class Meta:
        csrf = False

    q = StringField(
        "Besoin, mot-clé",
        filters=[strip],
        description="Par exemple : démarches en ligne, médecin traitant, permis de conduire.",
    )
    volet = SelectField("Volet", choices=[("", "Tous les volets")] + [(v.value, v.label) for v in Volet])
    thematique = SelectField("Thématique")
    commune = SelectField(
        "Commune de la personne",
        description="Services situés dans la commune ou qui la desservent (EPCI, département).",
    )
    distance = IntegerField(
        "Distance maximale (km)",
        validators=[
            Optional(),
            NumberRange(
                min=1, max=int(MAX_DISTANCE_KM), message=f"Indiquez une distance entre 1 et {int(MAX_DISTANCE_KM)} km."
            ),
        ],
    )
    public = SelectField("Public", choices=_enum_choices("publics", "Tous les publics"))
    frais = SelectField("Frais", choices=[("", "Gratuit ou payant")] + [(f.value, f.label) for f in Frais])
    label = StringField("Label ou réseau", validators=[Optional(), Regexp(r"^[a-z0-9-]{1,100}$")])
    orientable = BooleanField("Peut recevoir une orientation suivie (espace ou e-mail)")
    ouvert = BooleanField("Ouvert maintenant")
    lat = FloatField("Latitude", validators=[Optional(), NumberRange(min=-90, max=90)])
    lon = FloatField("Longitude", validators=[Optional(), NumberRange(min=-180, max=180)])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=10_000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.thematique.choices = [("", "Toutes les thématiques")] + oriented_thematique_choices()
        self.commune.choices = commune_choices("Toutes les communes")
        self.thematique.pre_validate = self.commune.pre_validate = self.public.pre_validate = lambda form: None
        self.frais.pre_validate = self.volet.pre_validate = lambda form: None

    def validate_q(self, field):
        if field.data and len(field.data) > MAX_QUERY_LENGTH:
            field.data = field.data[:MAX_QUERY_LENGTH]
            raise ValidationError(
                f"La recherche est limitée à {MAX_QUERY_LENGTH} caractères : seul le début a été pris en compte."
            )

    def _check_choice(self, field, message):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError(message)

    def validate_thematique(self, field):
        self._check_choice(
            field, "Cette thématique n'existe pas dans le référentiel data·inclusion : le filtre est ignoré."
        )

    def validate_commune(self, field):
        self._check_choice(field, "Commune inconnue en Vaucluse : le filtre est ignoré.")

    def validate_volet(self, field):
        self._check_choice(field, "Volet inconnu : le filtre est ignoré.")

    def validate_public(self, field):
        self._check_choice(field, "Public inconnu : le filtre est ignoré.")

    def validate_frais(self, field):
        self._check_choice(field, "Valeur de frais inconnue : le filtre est ignoré.")

    def to_params(self, per_page: int = 20) -> SearchParams:
        """Only the fields that passed validation become filters."""

        def ok(field):
            return field.data if not field.errors and field.data not in ("", None) else None

        distance = ok(self.distance)
        lat, lon = ok(self.lat), ok(self.lon)
        return SearchParams(
            text=(self.q.data or "")[:MAX_QUERY_LENGTH],
            thematique=ok(self.thematique),
            volet=Volet(ok(self.volet)) if ok(self.volet) else None,
            public=ok(self.public),
            frais=Frais(ok(self.frais)) if ok(self.frais) else None,
            commune_code=ok(self.commune),
            max_distance_km=float(distance) if distance else None,
            latitude=lat if lat is not None and math.isfinite(lat) else None,
            longitude=lon if lon is not None and math.isfinite(lon) else None,
            accepts_orientations=bool(self.orientable.data),
            label=ok(self.label),
            open_now=bool(self.ouvert.data),
            page=ok(self.page) or 1,
            per_page=per_page,
        )


def _zone_codes(value) -> list[str]:
    """Codes typed as "84007, 84" — or the service's own list, when the field was not posted at all."""
    text = value if isinstance(value, str) or value is None else ",".join(value)
    return [code.strip() for code in (text or "").replace(";", ",").split(",") if code.strip()]


def _code(value) -> str:
    return "" if value is None else str(value)


class OptionalSelectField(SelectField):
    """A select whose blank choice stands for None (nothing stored yet, or nothing chosen)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=_code, **kwargs)

    def process_data(self, value):
        self.data = _code(value)


class ServiceForm(BaseForm):
    name = StringField("Nom du service", filters=[strip], validators=[required(), max_length(150)])
    description = TextAreaField(
        "Description",
        filters=[strip],
        validators=[required(), max_length(10000)],
        description="Ce que le service apporte, à qui, comment (5 caractères au moins).",
    )
    type = OptionalSelectField(
        "Type de service", choices=[("", "— Non précisé —")] + [(t.value, t.label) for t in ServiceType]
    )
    thematiques = MultiCheckboxField(
        "Thématiques",
        description="Au moins une ; les trois premiers groupes sont les volets numérique, santé et mobilité.",
    )
    publics = MultiCheckboxField("Publics", choices=_enum_choices("publics"))
    publics_precisions = TextAreaField("Précisions sur les publics", filters=[strip], validators=[Optional()])
    frais = OptionalSelectField("Frais", choices=[("", "— Non précisé —")] + [(f.value, f.label) for f in Frais])
    frais_precisions = TextAreaField("Précisions sur les frais", filters=[strip], validators=[Optional()])
    conditions_acces = TextAreaField("Conditions d'accès", filters=[strip], validators=[Optional()])
    modes_accueil = MultiCheckboxField("Modes d'accueil", choices=_enum_choices("modes-accueil"))
    modes_mobilisation = MultiCheckboxField("Comment mobiliser le service", choices=_enum_choices("modes-mobilisation"))
    mobilisation_precisions = TextAreaField("Précisions sur la mobilisation", filters=[strip], validators=[Optional()])
    lien_mobilisation = URLField(
        "Lien de mobilisation (prise de rendez-vous…)",
        filters=[strip],
        validators=[Optional(), max_length(2083), Regexp(r"^https?://\S+$", message=URL_MESSAGE)],
    )
    contact_nom_prenom = StringField("Contact (prénom, nom)", filters=[strip], validators=[Optional(), max_length(200)])
    telephone = StringField("Téléphone", filters=[strip], validators=[Optional(), max_length(50)])
    courriel = StringField("E-mail", filters=[strip], validators=[Optional(), email_address(), max_length(254)])
    horaires_accueil = StringField(
        "Horaires d'accueil",
        filters=[strip],
        validators=[Optional(), max_length(500)],
        description="Format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off",
    )
    accessibilite_lieu = URLField(
        "Fiche Accès Libre (accessibilité)",
        filters=[strip],
        validators=[Optional(), max_length(2083), Regexp(r"^https?://\S+$", message=URL_MESSAGE)],
    )
    adresse = StringField("Adresse", filters=[strip], validators=[Optional(), max_length(300)])
    complement_adresse = StringField("Complément d'adresse", filters=[strip], validators=[Optional(), max_length(300)])
    code_postal = StringField(
        "Code postal",
        filters=[strip],
        validators=[Optional(), Regexp(r"^\d{5}$", message="Le code postal compte 5 chiffres.")],
    )
    commune_code = OptionalSelectField("Commune", validators=[required("Choisissez la commune du lieu d'accueil.")])
    latitude = FloatField(
        "Latitude",
        validators=[Optional(), NumberRange(min=-90, max=90, message="Latitude entre -90 et 90.")],
        description="Facultatif : sans coordonnées, le centre de la commune est utilisé.",
    )
    longitude = FloatField(
        "Longitude", validators=[Optional(), NumberRange(min=-180, max=180, message="Longitude entre -180 et 180.")]
    )
    zone_eligibilite = StringField(
        "Zone d'éligibilité",
        filters=[strip],
        description="Codes INSEE de communes, SIREN d'EPCI, « 84 » pour tout le département, séparés par des virgules.",
    )
    accepts_orientations = BooleanField("Accepte les orientations suivies dans Orientation Vaucluse")
    capacity = RadioField(
        "Capacité d'accueil", choices=[(c.value, c.label) for c in Capacity], default=Capacity.OPEN.value, coerce=_code
    )
    # Per-service follow-up delays: each field is a `field` of a Delay the referrals area declares to the
    # follow-up engine; stored in its table (orientation.followups.overrides), empty: the setting.
    reminder_unopened_days = IntegerField(
        "Relance si non ouverte après (jours ouvrés)",
        validators=[Optional(), NumberRange(min=1, max=60, message="Entre 1 et 60 jours.")],
    )
    reminder_undecided_days = IntegerField(
        "Relance si sans décision après (jours ouvrés)",
        validators=[Optional(), NumberRange(min=1, max=60, message="Entre 1 et 60 jours.")],
    )
    expiry_days = IntegerField(
        "Expiration après (jours)",
        validators=[Optional(), NumberRange(min=1, max=365, message="Entre 1 et 365 jours.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.thematiques.choices = oriented_thematique_choices()
        self.commune_code.choices = commune_choices()

    def validate_description(self, field):
        if field.data and len(field.data) < 5:
            raise ValidationError("5 caractères au moins.")

    def validate_name(self, field):
        if field.data and len(field.data) < 3:
            raise ValidationError("3 caractères au moins.")

    def validate_thematiques(self, field):
        if not field.data:
            raise ValidationError("Choisissez au moins une thématique.")

    def validate_horaires_accueil(self, field):
        if field.data and not hours.is_valid(field.data):
            raise ValidationError(
                "Ces horaires ne suivent pas le format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00."
            )

    def validate_zone_eligibilite(self, field):
        unknown = [
            code
            for code in _zone_codes(field.data)
            if code not in ("84", "france")
            and db.session.get(Commune, code) is None
            and db.session.get(Epci, code) is None
        ]
        if unknown:
            raise ValidationError(
                f"Codes inconnus : {', '.join(unknown[:5])}. Utilisez des codes INSEE de "
                "communes de Vaucluse, des SIREN d'EPCI, « 84 » ou « france »."
            )

    def validate_longitude(self, field):
        if (field.data is None) != (self.latitude.data is None):
            raise ValidationError("Indiquez la latitude et la longitude, ou aucune des deux.")

    def service_fields(self) -> dict:
        """The values for operations.save_service()."""
        return {
            "name": self.name.data,
            "description": self.description.data,
            "type": ServiceType(self.type.data) if self.type.data else None,
            "frais": Frais(self.frais.data) if self.frais.data else None,
            "publics": self.publics.data or None,
            "modes_accueil": self.modes_accueil.data or None,
            "modes_mobilisation": self.modes_mobilisation.data or None,
            "capacity": Capacity(self.capacity.data),
            "accepts_orientations": bool(self.accepts_orientations.data),
            "thematiques": self.thematiques.data,
            "zone_eligibilite": _zone_codes(self.zone_eligibilite.data),
            **{
                name: getattr(self, name).data or None
                for name in (
                    "publics_precisions",
                    "frais_precisions",
                    "conditions_acces",
                    "mobilisation_precisions",
                    "lien_mobilisation",
                    "contact_nom_prenom",
                    "telephone",
                    "courriel",
                    "horaires_accueil",
                    "accessibilite_lieu",
                    "adresse",
                    "complement_adresse",
                    "code_postal",
                    "commune_code",
                )
            },
            "latitude": self.latitude.data,
            "longitude": self.longitude.data,
            "follow_up_delays": {delay.name: getattr(self, delay.field).data for delay in _delay_fields(self)},
        }

    def fill_from(self, service) -> None:
        """Pre-fill on GET from an existing service (lists and enums need a hand)."""
        self.zone_eligibilite.data = ", ".join(service.zone_eligibilite)
        self.thematiques.data = list(service.thematiques)
        self.capacity.data = service.capacity.value
        values = overrides.get_service_overrides(service.id)
        for delay in _delay_fields(self):
            getattr(self, delay.field).data = values.get(delay.name)


def _delay_fields(form) -> list:
    """The per-service follow-up delays (declared by the areas to the engine) this form has a field for."""
    return [delay for delay in service_delays() if delay.field and hasattr(form, delay.field)]
