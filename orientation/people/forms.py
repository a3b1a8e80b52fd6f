"""One form per use case of the people area."""

from __future__ import annotations

from datetime import date

import phonenumbers
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import Optional

from orientation.directory.forms import MultiCheckboxField
from orientation.directory.thematiques import Volet
from orientation.forms import BaseForm, email_address, max_length, required, strip
from orientation.people.catalogue import DETAILS, needs_of_volet
from orientation.people.models import ConsentMethod, ContactPreference, MessagesChannel, NeedStatus, SituationFlag
from orientation.territory.queries import offer_communes

DEFAULT_PURPOSE = (
    "Être orienté·e vers les services adaptés à ses besoins et que les informations choisies "
    "soient transmises à la structure qui la reçoit, pour le suivi de l'orientation."
)


def _not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError("La date de naissance ne peut pas être dans le futur.")


class PersonForm(BaseForm):
    first_name = StringField("Prénom", validators=[required(), max_length(100)], filters=[strip])
    last_name = StringField("Nom", validators=[required(), max_length(100)], filters=[strip])
    birth_date = DateField(
        "Date de naissance", validators=[Optional(), _not_in_future], description="Facultative. Format : jj/mm/aaaa."
    )
    commune_code = SelectField("Commune de résidence", validators=[Optional()])
    address = StringField(
        "Adresse",
        validators=[Optional(), max_length(300)],
        filters=[strip],
        description="Seulement si l'orientation en a besoin.",
    )
    phone = StringField("Téléphone", validators=[Optional(), max_length(20)], filters=[strip])
    email = StringField("Adresse e-mail", validators=[Optional(), email_address(), max_length(254)], filters=[strip])
    contact_preference = RadioField(
        "Moyen de contact préféré",
        default=ContactPreference.PHONE.value,
        choices=[(p.value, p.label) for p in ContactPreference],
    )
    messages_channel = RadioField(
        "Messages à la personne sur ses orientations",
        default=MessagesChannel.NONE.value,
        choices=[(c.value, c.label) for c in MessagesChannel],
        description=(
            "Seulement si la personne est d'accord : un court message quand une orientation part (qui va "
            "l'appeler, et quand au plus tard), quand elle est acceptée (le rendez-vous) ou refusée (la suite)."
        ),
    )
    situation = MultiCheckboxField(
        "Situation",
        choices=[(f.value, f.label) for f in SituationFlag],
        description="Ce qui aide à orienter ; rien d'autre.",
    )
    referent_id = SelectField("Référent·e", validators=[Optional()], coerce=str)
    confirm_duplicate = BooleanField("Il s'agit bien d'une autre personne : créer la fiche quand même")

    def __init__(self, *args, referents=(), **kwargs):
        super().__init__(*args, **kwargs)
        offer_communes(self.commune_code)
        self.referent_id.choices = [("", "— Aucun·e —")] + [(str(user.id), user.full_name) for user in referents]

    def validate_phone(self, field):
        if field.data:
            try:
                number = phonenumbers.parse(field.data, "FR")
            except phonenumbers.NumberParseException:
                number = None
            if number is None or not phonenumbers.is_valid_number(number):
                raise ValidationError("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78.")
            field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

    def validate_contact_preference(self, field):
        if field.data in (ContactPreference.SMS, ContactPreference.PHONE) and not self.phone.data:
            raise ValidationError("Indiquez un téléphone pour ce moyen de contact.")
        if field.data == ContactPreference.EMAIL and not self.email.data:
            raise ValidationError("Indiquez une adresse e-mail pour ce moyen de contact.")

    def validate_messages_channel(self, field):
        if field.data == MessagesChannel.SMS and not self.phone.data:
            raise ValidationError("Indiquez le téléphone portable de la personne pour lui envoyer des SMS.")
        if field.data == MessagesChannel.EMAIL and not self.email.data:
            raise ValidationError("Indiquez l'adresse e-mail de la personne pour lui écrire.")
        if field.data != MessagesChannel.NONE and self.contact_preference.data == ContactPreference.NO_DIRECT_CONTACT:
            raise ValidationError(
                "La personne ne souhaite pas être contactée directement : choisissez « Aucun message »."
            )

    def person_fields(self) -> dict:
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "birth_date": self.birth_date.data,
            "commune_code": self.commune_code.data or None,
            "address": self.address.data or None,
            "phone": self.phone.data or None,
            "email": (self.email.data or "").lower() or None,
            "contact_preference": ContactPreference(self.contact_preference.data),
            "messages_channel": MessagesChannel(self.messages_channel.data or MessagesChannel.NONE.value),
            "situation": list(self.situation.data or []),
            "referent_id": int(self.referent_id.data) if self.referent_id.data else None,
        }


class ConsentForm(BaseForm):
    agreed = BooleanField(
        "La personne a donné son accord, après avoir été informée de ce qui sera transmis",
        validators=[required("Le consentement de la personne est nécessaire.")],
    )
    method = RadioField(
        "Recueilli",
        choices=[(m.value, m.label) for m in ConsentMethod],
        validators=[required("Indiquez comment le consentement a été recueilli.")],
    )
    purpose = TextAreaField(
        "Objet du consentement", default=DEFAULT_PURPOSE, validators=[required(), max_length(2000)], filters=[strip]
    )
    scope = MultiCheckboxField(
        "Volets couverts",
        choices=[(v.value, v.label) for v in Volet],
        validators=[required("Cochez au moins un volet.")],
    )
    expires_on = DateField(
        "Valable jusqu'au",
        validators=[Optional()],
        description="Facultatif. Au-delà, aucune orientation ne peut plus partir sans nouveau consentement.",
    )

    def validate_expires_on(self, field):
        if field.data and field.data < date.today():
            raise ValidationError("La date de fin de validité est déjà passée.")


class WithdrawConsentForm(BaseForm):
    note = TextAreaField("Précisions (facultatif)", validators=[Optional(), max_length(2000)], filters=[strip])


class NeedsForm(BaseForm):
    codes = MultiCheckboxField("Besoins repérés", validators=[required("Cochez au moins un besoin.")])
    details = MultiCheckboxField("Précisions du diagnostic", validators=[Optional()])
    note = TextAreaField(
        "Notes",
        validators=[Optional(), max_length(2000)],
        filters=[strip],
        description="Ce qui aidera la structure qui recevra la personne (si vous le partagez).",
    )

    def __init__(self, *args, volet: Volet, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes.choices = [(code.value, code.label) for code in needs_of_volet(volet)]
        self.details.choices = list(DETAILS[volet].items())


class CloseNeedForm(BaseForm):
    status = RadioField(
        "Résultat",
        choices=[(s.value, s.label) for s in NeedStatus if s is not NeedStatus.OPEN],
        validators=[required("Choisissez le résultat.")],
    )


class PersonSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Rechercher une personne", validators=[Optional(), max_length(100)], filters=[strip])
