"""One form per use case of the referrals area."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import Optional

from orientation.directory.forms import MultiCheckboxField
from orientation.forms import BaseForm, email_address, max_length, required, strip
from orientation.referrals.lifecycle import Outcome, Reason
from orientation.referrals.models import AppointmentChannel, AppointmentStatus, ServiceObtained, SharedField, Urgency

DEFAULT_SHARED = [
    SharedField.COMMUNE.value,
    SharedField.PHONE.value,
    SharedField.CONTACT_PREFERENCE.value,
    SharedField.NEED_DETAILS.value,
]


class SendOrientationForm(BaseForm):
    """The send form. Its service picker is server-rendered: « Chercher » (`search`) re-displays the form
    with the services matching `service_search`, sends nothing (static/js/service-picker.js does it as
    one types)."""

    need_ids = MultiCheckboxField("Besoins concernés", validators=[required("Cochez au moins un besoin.")])
    service_search = StringField(
        "Rechercher un service",
        validators=[Optional()],
        filters=[strip],
        description="Nom du service, de la structure ou de la commune. Les services les plus proches de la "
        "personne sont en tête.",
    )
    search = SubmitField("Chercher")
    service_id = RadioField("Service destinataire", validators=[required("Choisissez le service.")])
    # A « Contact direct » service: ticked, its value is that service's id (the agent follows it themself).
    followed_by_sender = HiddenField()
    message = TextAreaField(
        "Message à la structure",
        validators=[Optional(), max_length(4000)],
        filters=[strip],
        description="Ce que la structure doit savoir pour recevoir la personne.",
    )
    urgency = RadioField("Urgence", choices=[(u.value, u.label) for u in Urgency], default=Urgency.NORMAL.value)
    shared_fields = MultiCheckboxField(
        "Informations transmises à la structure",
        choices=[(f.value, f.label) for f in SharedField],
        default=DEFAULT_SHARED,
        description="Le nom et le prénom sont toujours transmis. Ne cochez que ce qui est utile à l'orientation.",
    )
    send = SubmitField("Envoyer l'orientation")
    save_draft = SubmitField("Enregistrer comme brouillon")

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.need_ids.choices = [(str(need.id), f"{need.volet.label} — {need.label}") for need in needs]
        self.service_id.choices = []
        # The picker renders its own choices; unknown ids are refused by the operation with a precise message.
        self.service_id.pre_validate = lambda form: None

    def take_from(self, previous) -> None:
        """Pre-fill from an orientation that did not lead anywhere: same needs (still open), message, urgency,
        shared fields; the service proposed by a redirection, if any."""
        open_ids = {value for value, _label in self.need_ids.choices}
        self.need_ids.data = [str(need.id) for need in previous.needs if str(need.id) in open_ids]
        self.message.data = previous.message
        self.urgency.data = previous.urgency.value
        self.shared_fields.data = list(previous.shared_fields or ())
        if previous.redirected_to_service_id and not self.service_id.data:
            self.service_id.data = str(previous.redirected_to_service_id)

    def offer(self, services) -> None:
        self.service_id.choices = [(str(service.id), service.name) for service in services]

    def followed_by_me(self) -> bool:
        """The agent ticked « je suivrai l'orientation » for the very service chosen."""
        return bool(self.followed_by_sender.data) and self.followed_by_sender.data == self.service_id.data

    def validate_urgency(self, field):
        if field.data not in Urgency._value2member_map_:
            raise ValidationError("Choisissez une urgence dans la liste.")

    def validate_shared_fields(self, field):
        field.data = [value for value in field.data or [] if value in SharedField._value2member_map_]


class TransitionForm(BaseForm):
    """The status asked for is data like any other: lifecycle.transition() decides if it is legal."""

    to_status = HiddenField(validators=[required("Action inconnue.")])
    version = HiddenField()
    reason = SelectField(
        "Motif", choices=[("", "— Choisir un motif —")] + [(r.value, r.label) for r in Reason], validators=[Optional()]
    )
    note = TextAreaField("Commentaire", validators=[Optional(), max_length(2000)], filters=[strip])
    outcome = RadioField(
        "Résultat pour la personne", choices=[(o.value, o.label) for o in Outcome], validators=[Optional()]
    )
    redirect_service_id = SelectField("Service vers lequel réorienter", validators=[Optional()])

    def __init__(self, *args, redirect_services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.redirect_service_id.choices = [("", "— Aucun en particulier —")] + [
            (str(service.id), f"{service.name} — {service.structure.name}") for service in redirect_services
        ]
        # Reasons and outcomes are checked by the lifecycle (with the message that fits the action).
        self.reason.pre_validate = self.outcome.pre_validate = self.redirect_service_id.pre_validate = lambda form: None

    def version_number(self) -> int | None:
        value = self.version.data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class CommentForm(BaseForm):
    body = TextAreaField("Message", validators=[required("Écrivez votre message."), max_length(4000)], filters=[strip])


class AppointmentForm(BaseForm):
    day = DateField("Date", validators=[required("Indiquez la date du rendez-vous.")])
    time = TimeField("Heure", validators=[required("Indiquez l'heure du rendez-vous.")])
    channel = RadioField(
        "Modalité", choices=[(c.value, c.label) for c in AppointmentChannel], default=AppointmentChannel.IN_PERSON.value
    )
    place = StringField("Lieu ou précisions", validators=[Optional(), max_length(300)], filters=[strip])
    reminder_agreed = BooleanField("La personne accepte d'être rappelée la veille (SMS ou e-mail)")
    note = TextAreaField("Note", validators=[Optional(), max_length(2000)], filters=[strip])

    def validate_channel(self, field):
        if field.data not in AppointmentChannel._value2member_map_:
            raise ValidationError("Choisissez une modalité dans la liste.")


class AppointmentStatusForm(BaseForm):
    status = RadioField(
        "Ce qu'il est advenu du rendez-vous",
        validators=[required("Choisissez une réponse.")],
        choices=[(s.value, s.label) for s in AppointmentStatus if s is not AppointmentStatus.PLANNED],
    )


class ServiceObtainedForm(BaseForm):
    answer = RadioField(
        "La personne a-t-elle vraiment obtenu le service ?",
        choices=[(answer.value, answer.label) for answer in ServiceObtained],
        validators=[required("Choisissez une réponse.")],
    )


class LinkCodeForm(BaseForm):
    """The one-time code a receiver by link types before seeing the orientation."""

    code = StringField(
        "Code reçu par e-mail",
        description="Six chiffres, valables quinze minutes.",
        validators=[required("Saisissez le code à six chiffres reçu par e-mail."), max_length(20)],
        filters=[strip],
    )


class NewLinkForm(BaseForm):
    """A receiver by link asks for a new link to the orientations sent to its address."""

    email = EmailField(
        "Adresse e-mail qui a reçu l'orientation",
        validators=[required("Saisissez votre adresse e-mail."), email_address(), max_length(254)],
        filters=[strip],
    )
