"""Directory forms: the search (GET, state kept in the URL), the service and structure edit forms."""

from __future__ import annotations

import math
import re

from flask_wtf.file import FileField, FileRequired
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

from orientation.directory import hours, labels, zones
from orientation.directory.models import Capacity, Frais, ImportSource, ServiceType
from orientation.directory.operations import STRUCTURE_FIELDS
from orientation.directory.queries import MAX_DISTANCE_KM, SearchParams
from orientation.directory.text import MAX_QUERY_LENGTH
from orientation.directory.thematiques import Volet, enumeration, oriented_thematique_choices
from orientation.followups import overrides
from orientation.followups.rules import service_delays
from orientation.forms import BaseForm, email_address, max_length, required, strip
from orientation.territory.communes_fr import place
from orientation.territory.queries import offer_communes

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
    label = SelectField(
        "Label ou réseau", description="France Services, Conseiller numérique, Aidants Connect…"
    )  # the labels present in the directory, by name (orientation.directory.labels)
    orientable = BooleanField("Peut recevoir une orientation suivie (espace ou e-mail)")
    ouvert = BooleanField("Ouvert maintenant")
    lat = FloatField("Latitude", validators=[Optional(), NumberRange(min=-90, max=90)])
    lon = FloatField("Longitude", validators=[Optional(), NumberRange(min=-180, max=180)])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=10_000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.thematique.choices = [("", "Toutes les thématiques")] + oriented_thematique_choices()
        offer_communes(self.commune, "Toutes les communes")
        self.label.choices = [("", "Tous les labels et réseaux")] + labels.present_label_choices()
        self.label.pre_validate = lambda form: None
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

    def validate_label(self, field):
        self._check_choice(field, "Aucun service de l'annuaire ne porte ce label : le filtre est ignoré.")

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


def _code(value) -> str:
    return "" if value is None else str(value)


class OptionalSelectField(SelectField):
    """A select whose blank choice stands for None (nothing stored yet, or nothing chosen)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=_code, **kwargs)

    def process_data(self, value):
        self.data = _code(value)


def _holidays_field() -> RadioField:
    return RadioField(
        "Jours fériés",
        choices=[("closed", "Fermé les jours fériés"), ("open", "Ouvert les jours fériés, aux horaires habituels")],
        default="closed",
    )


def _clear_hours_field() -> BooleanField:
    return BooleanField("Effacer ces horaires")


class OpeningHoursMixin:
    """Opening hours typed day by day (a service's or a structure's form): the form declares
    `hours_public_holidays` and `hours_clear`, gets its time fields from `_add_hours_fields()` and calls
    `_init_hours(entry)`; stored hours the fields cannot show are kept until replaced or cleared."""

    def _init_hours(self, entry) -> None:
        self.week: hours.Week | None = None
        self.previous_hours = entry.horaires_accueil if entry is not None else None

    @property
    def hours_editable(self) -> bool:
        """The stored hours fit the day-by-day fields (else they are shown and kept until replaced)."""
        return not self.previous_hours or _fits_editor(hours.parse(self.previous_hours))

    @property
    def previous_hours_text(self) -> str | None:
        return hours.french(self.previous_hours) or self.previous_hours

    def day_fields(self) -> list[tuple[str, list[tuple]]]:
        """(day name, [(start field, end field) per range]) for the template."""
        return [
            (hours.DAY_NAMES[index].capitalize(), [_range_fields(self, code, slot) for slot in HOURS_SLOTS])
            for index, code in enumerate(hours.DAY_CODES)
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.week = self._read_week()
        return valid and not self.errors

    def _read_week(self) -> hours.Week:
        days = []
        for code in hours.DAY_CODES:
            ranges = []
            for slot in HOURS_SLOTS:
                start_field, end_field = _range_fields(self, code, slot)
                start, end = _read_time(start_field), _read_time(end_field)
                if start is None or end is None:
                    continue
                if not start and not end:
                    continue
                if not start or not end:
                    (end_field if start else start_field).errors.append(
                        "Indiquez l'heure d'ouverture et l'heure de fermeture."
                    )
                elif start >= end:
                    end_field.errors.append("La fermeture doit suivre l'ouverture.")
                elif ranges and start < ranges[-1][1]:
                    start_field.errors.append("Cette plage doit commencer après la fin de la précédente.")
                else:
                    ranges.append((start, end))
            days.append(tuple(ranges))
        holidays = hours.Holidays.CLOSED if self.hours_public_holidays.data == "closed" else hours.Holidays.NOT_SAID
        return hours.Week(tuple(days), holidays if any(days) else hours.Holidays.NOT_SAID)

    def hours_value(self) -> str | None:
        """The data·inclusion expression to store: the days typed, else the unreadable hours kept."""
        if self.week is not None and any(self.week.days):
            return hours.to_osm(self.week)
        if not self.hours_editable and not self.hours_clear.data:
            return self.previous_hours
        return None

    def fill_hours(self, expression: str | None) -> None:
        week = hours.parse(expression)
        if not _fits_editor(week):
            return
        for code, ranges in zip(hours.DAY_CODES, week.days, strict=True):
            for slot, (start, end) in zip(HOURS_SLOTS, ranges, strict=False):
                start_field, end_field = _range_fields(self, code, slot)
                start_field.data, end_field.data = start, end
        self.hours_public_holidays.data = "closed" if week.holidays is hours.Holidays.CLOSED else "open"


class ServiceForm(OpeningHoursMixin, BaseForm):
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
    # Opening hours: the day-by-day fields (hours_mo_1_start…) are added below the class.
    hours_public_holidays = _holidays_field()
    hours_clear = _clear_hours_field()
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
    commune_name = StringField(
        "Commune",
        filters=[strip],
        validators=[required("Indiquez la commune du lieu d'accueil."), max_length(200)],
        description="Avec le code postal, elle situe le service (au centre de la commune, faute de mieux).",
    )
    zone_eligibilite = MultiCheckboxField(
        "Zones d'éligibilité retenues", description="Décochez une zone pour la retirer."
    )
    zone_add_1 = StringField("Ajouter une zone", filters=[strip], validators=[Optional(), max_length(200)])
    zone_add_2 = StringField("Ajouter une autre zone", filters=[strip], validators=[Optional(), max_length(200)])
    zone_add_3 = StringField("Ajouter une autre zone", filters=[strip], validators=[Optional(), max_length(200)])
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

    freshness_months = IntegerField(
        "Confirmer la fiche tous les (mois)",
        description="Les responsables reçoivent un e-mail pour confirmer la fiche ; vide : tous les 6 mois.",
        validators=[Optional(), NumberRange(min=1, max=36, message="Entre 1 et 36 mois.")],
    )

    ZONE_FIELDS = ("zone_add_1", "zone_add_2", "zone_add_3")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.thematiques.choices = oriented_thematique_choices()
        self.zone_options = zones.zone_options()
        known = {code for code, _ in self.zone_options}
        entry = kwargs.get("obj")
        # Zones the service already has outside the offered ones (imported) stay choosable; never a code
        # that only the posted form names (it would be saved, and labelled, unchecked).
        existing = getattr(entry, "zone_eligibilite", None) or ()
        kept = [code for code in existing if code not in known]
        self.zone_eligibilite.choices = self.zone_options + [(code, zones.zone_label(code)) for code in kept]
        self.added_zones: list[str] = []
        self._init_hours(entry)

    def validate_description(self, field):
        if field.data and len(field.data) < 5:
            raise ValidationError("5 caractères au moins.")

    def validate_name(self, field):
        if field.data and len(field.data) < 3:
            raise ValidationError("3 caractères au moins.")

    def validate_thematiques(self, field):
        if not field.data:
            raise ValidationError("Choisissez au moins une thématique.")

    def validate_commune_name(self, field):
        if field.data:
            placement = place(self.code_postal.data, field.data)
            if not placement.placed:
                raise ValidationError(f"Commune introuvable : {placement.unplaced_reason}.")

    def _validate_added_zone(self, field):
        if not field.data:
            return
        found = zones.find_zone(field.data, self.zone_options)
        if isinstance(found, str):
            self.added_zones.append(found)
        elif found:
            raise ValidationError(f"« {field.data} » peut désigner : {', '.join(found)}. Précisez.")
        else:
            raise ValidationError(
                f"Aucune commune, EPCI ou département ne s'appelle « {field.data} » : choisissez un nom de la liste."
            )

    validate_zone_add_1 = validate_zone_add_2 = validate_zone_add_3 = _validate_added_zone

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
            "zone_eligibilite": list(dict.fromkeys([*(self.zone_eligibilite.data or []), *self.added_zones])),
            "horaires_accueil": self.hours_value(),
            "freshness_months": self.freshness_months.data or None,
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
                    "accessibilite_lieu",
                    "adresse",
                    "complement_adresse",
                    "code_postal",
                    "commune_name",
                )
            },
            "follow_up_delays": {delay.name: getattr(self, delay.field).data for delay in _delay_fields(self)},
        }

    def fill_from(self, service) -> None:
        """Pre-fill on GET from an existing service (lists and enums need a hand)."""
        self.zone_eligibilite.data = list(service.zone_eligibilite)
        self.fill_hours(service.horaires_accueil)
        self.thematiques.data = list(service.thematiques)
        self.capacity.data = service.capacity.value
        values = overrides.get_service_overrides(service.id)
        for delay in _delay_fields(self):
            getattr(self, delay.field).data = values.get(delay.name)


HOURS_SLOTS = (1, 2)
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?$")


def _range_fields(form, day_code: str, slot: int) -> tuple:
    prefix = f"hours_{day_code.lower()}_{slot}"
    return getattr(form, f"{prefix}_start"), getattr(form, f"{prefix}_end")


def _read_time(field) -> str | None:
    """« 8:30 », « 08:30 », « 8 h 30 », « 8h » → "08:30"; "" when empty; None (and an error) when unreadable."""
    text = (field.data or "").strip()
    if not text:
        return ""
    match = _TIME.match(text)
    hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (99, 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        field.errors.append("Indiquez une heure comme 8:30 ou 8 h 30.")
        return None
    return f"{hour:02d}:{minute:02d}"


def _fits_editor(week: hours.Week | None) -> bool:
    return (
        week is not None
        and week.holidays is not hours.Holidays.OWN_HOURS
        and all(len(ranges) <= len(HOURS_SLOTS) for ranges in week.days)
    )


def _add_hours_fields(form_class) -> None:
    """Two ranges a day, each an opening and a closing time (hours_mo_1_start…)."""
    for index, day_code in enumerate(hours.DAY_CODES):
        day = hours.DAY_NAMES[index].capitalize()
        for slot in HOURS_SLOTS:
            for edge, label in (("start", "ouverture"), ("end", "fermeture")):
                field = StringField(f"{day}, plage {slot} : {label}", filters=[strip])
                setattr(form_class, f"hours_{day_code.lower()}_{slot}_{edge}", field)


_add_hours_fields(ServiceForm)


def _no_spaces(value):
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


class StructureForm(OpeningHoursMixin, BaseForm):
    """A structure's own entry of the directory: who it is, where, how to reach it, when it opens."""

    name = StringField("Nom de la structure", filters=[strip], validators=[required(), max_length(200)])
    siret = StringField(
        "SIRET",
        filters=[_no_spaces],
        validators=[Optional(), Regexp(r"^\d{14}$", message="Le SIRET compte 14 chiffres.")],
        description="14 chiffres, espaces permises.",
    )
    description = TextAreaField(
        "Présentation",
        filters=[strip],
        validators=[Optional(), max_length(10000)],
        description="Ce que fait la structure, pour qui (les services ont chacun leur description).",
    )
    adresse = StringField("Adresse", filters=[strip], validators=[Optional(), max_length(300)])
    complement_adresse = StringField("Complément d'adresse", filters=[strip], validators=[Optional(), max_length(300)])
    code_postal = StringField(
        "Code postal",
        filters=[strip],
        validators=[Optional(), Regexp(r"^\d{5}$", message="Le code postal compte 5 chiffres.")],
    )
    commune_name = StringField(
        "Commune",
        filters=[strip],
        validators=[required("Indiquez la commune de la structure."), max_length(200)],
    )
    telephone = StringField("Téléphone", filters=[strip], validators=[Optional(), max_length(50)])
    courriel = StringField("E-mail", filters=[strip], validators=[Optional(), email_address(), max_length(254)])
    site_web = URLField(
        "Site web",
        filters=[strip],
        validators=[Optional(), max_length(2083), Regexp(r"^https?://\S+$", message=URL_MESSAGE)],
    )
    # Opening hours: the day-by-day fields are added below the class.
    hours_public_holidays = _holidays_field()
    hours_clear = _clear_hours_field()

    # the plain text fields of what operations.save_structure() writes (the name and the hours have their own)
    TEXT_FIELDS = tuple(name for name in STRUCTURE_FIELDS if name not in ("name", "horaires_accueil"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_hours(kwargs.get("obj"))

    def validate_name(self, field):
        if field.data and len(field.data) < 3:
            raise ValidationError("3 caractères au moins.")

    def validate_commune_name(self, field):
        if field.data:
            placement = place(self.code_postal.data, field.data)
            if not placement.placed:
                raise ValidationError(f"Commune introuvable : {placement.unplaced_reason}.")

    @staticmethod
    def saved_message(name: str, changed: list[str]) -> tuple[str, str]:
        """The flash (message, category) once saved."""
        if changed:
            return f"La fiche « {name} » est enregistrée.", "success"
        return f"Rien n'a changé sur la fiche « {name} ».", "info"

    def structure_fields(self) -> dict:
        """The values for operations.save_structure()."""
        return {
            "name": self.name.data,
            "horaires_accueil": self.hours_value(),
            **{name: getattr(self, name).data or None for name in self.TEXT_FIELDS},
        }


_add_hours_fields(StructureForm)


def _delay_fields(form) -> list:
    """The per-service follow-up delays (declared by the areas to the engine) this form has a field for."""
    return [delay for delay in service_delays() if delay.field and hasattr(form, delay.field)]


class ImportForm(BaseForm):
    """A file to preview, then import."""

    source = RadioField(
        "Format du fichier",
        choices=[
            (ImportSource.DATA_INCLUSION_FILE.value, "data·inclusion : liste JSON, NDJSON ou pages de l'API"),
            (
                ImportSource.MEDIATION_NUMERIQUE_FILE.value,
                "Lieux de médiation numérique : CSV du standard de La MedNum",
            ),
        ],
        default=ImportSource.DATA_INCLUSION_FILE.value,
        validators=[required("Choisissez le format du fichier.")],
    )
    document = FileField(
        "Fichier à importer",
        validators=[FileRequired("Choisissez un fichier.")],
        description="JSON, NDJSON ou CSV en UTF-8 (ou Windows-1252), 200 Mo au plus. Rien n'est modifié "
        "avant que vous ayez vu l'aperçu et cliqué sur « Appliquer ».",
    )
    partial = BooleanField(
        "Fichier partiel",
        description="Ne pas retirer de l'annuaire les entrées de la même source absentes de ce fichier.",
    )


class ErrorReportForm(BaseForm):
    """« Signaler une erreur » on a service: what is wrong, in the agent's words."""

    message = TextAreaField(
        "Qu'est-ce qui est faux ou manque sur cette fiche ?",
        filters=[strip],
        validators=[required("Décrivez l'erreur en quelques mots."), max_length(2000)],
        description="Par exemple : le numéro de téléphone a changé, le service est fermé le mercredi. "
        "N'écrivez rien sur une personne accompagnée.",
    )
