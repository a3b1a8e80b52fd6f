from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, Regexp

from orientation.forms import BaseForm, email_address, max_length, required, strip
from orientation.organisations.models import MembershipRole, OrganisationType
from orientation.territory.queries import offer_communes

ROLE_CHOICES = [(role.value, role.label) for role in MembershipRole]


class OrganisationForm(BaseForm):
    name = StringField("Nom", validators=[required(), max_length(200)], filters=[strip])
    type = SelectField(
        "Type de structure", validators=[required()], choices=[(t.value, t.label) for t in OrganisationType]
    )
    siret = StringField(
        "SIRET",
        description="14 chiffres, facultatif.",
        filters=[strip],
        validators=[Optional(), Regexp(r"^\d{14}$", message="Le SIRET compte 14 chiffres.")],
    )
    commune_code = SelectField("Commune", validators=[Optional()])
    email = EmailField("E-mail de contact", filters=[strip], validators=[Optional(), email_address(), max_length(254)])
    phone = StringField("Téléphone", filters=[strip], validators=[Optional(), max_length(20)])
    active = BooleanField("Structure active", default=True)
    notification_digest = BooleanField(
        "Recevoir un récapitulatif quotidien",
        description="Les membres reçoivent un seul e-mail par jour (à 8 h) au lieu d'un e-mail par événement.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_communes(self.commune_code)


class InvitationForm(BaseForm):
    email = EmailField(
        "Adresse e-mail professionnelle", filters=[strip], validators=[required(), email_address(), max_length(254)]
    )
    role = SelectField("Rôle", choices=ROLE_CHOICES, default=MembershipRole.AGENT.value)
    grants_coordinator = BooleanField(
        "Donner aussi le droit de coordination départementale",
        description="Accès à toutes les structures et aux statistiques, sans données personnelles.",
    )


class RoleForm(BaseForm):
    role = SelectField("Rôle", choices=ROLE_CHOICES)


class NotificationPreferenceForm(BaseForm):
    notification_digest = BooleanField(
        "Un seul e-mail récapitulatif par jour pour les membres",
        description="Au lieu d'un e-mail par orientation reçue ou par relance ; envoyé chaque matin à 8 h.",
    )


class JoinRequestForm(BaseForm):
    first_name = StringField("Prénom", validators=[required(), max_length(100)], filters=[strip])
    last_name = StringField("Nom", validators=[required(), max_length(100)], filters=[strip])
    email = EmailField(
        "Adresse e-mail professionnelle",
        description="Un lien vous y sera envoyé pour confirmer la demande.",
        filters=[strip],
        validators=[required(), email_address(), max_length(254)],
    )
    phone = StringField(
        "Téléphone", description="Facultatif.", filters=[strip], validators=[Optional(), max_length(20)]
    )
    organisation_name = StringField("Nom de la structure", validators=[required(), max_length(200)], filters=[strip])
    organisation_type = SelectField(
        "Type de structure", validators=[required()], choices=[(t.value, t.label) for t in OrganisationType]
    )


class RefuseJoinRequestForm(BaseForm):
    reason = TextAreaField(
        "Raison du refus",
        description="Elle est envoyée par e-mail à la personne qui a fait la demande.",
        filters=[strip],
        validators=[required("Indiquez la raison du refus."), max_length(1000)],
    )


class AttachStructureForm(BaseForm):
    structure_id = IntegerField("Structure de l'annuaire", validators=[InputRequired("Choisissez une structure.")])
    organisation_id = IntegerField(
        "Structure partenaire", validators=[InputRequired("Choisissez une structure partenaire.")]
    )


class ServiceReceiverForm(BaseForm):
    organisation_id = SelectField("Structure qui reçoit les orientations de ce service")

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "Celle de la structure de l'annuaire (par défaut)")] + [
            (str(organisation.id), organisation.name) for organisation in organisations
        ]


class ReceptionSettingsForm(BaseForm):
    # One checkbox a row of the services' table (the page lays them out, with each service's reach).
    accepting = SelectMultipleField("Accepte les orientations suivies", coerce=int)
    notification_digest = BooleanField(
        "Un seul e-mail récapitulatif par jour pour les membres",
        description="Au lieu d'un e-mail par orientation reçue ou par relance ; envoyé chaque matin à 8 h. "
        "Chaque membre peut choisir autrement dans ses propres choix d'e-mails.",
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.accepting.choices = [(service.id, service.name) for service in services]
