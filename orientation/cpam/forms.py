"""One form per use case of the CPAM area."""

from __future__ import annotations

from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from orientation.cpam.models import (
    WORKING_STAGES,
    CallChannel,
    CallSlot,
    CareKind,
    CaseOutcome,
    FinancialAid,
    RenouncementReason,
    RightKind,
    RightStatus,
)
from orientation.directory.forms import MultiCheckboxField
from orientation.forms import BaseForm, max_length, required, strip
from orientation.people.forms import PersonForm
from orientation.people.models import ConsentMethod
from orientation.referrals.models import Urgency


class SaisineForm(PersonForm):
    """The person (quick entry, unless an existing file is given), the consent, the renoncement, the call."""

    consent_given = BooleanField(
        "La personne accepte d'être contactée par la CPAM (Mission d'Accompagnement en "
        "Santé) et que vous soyez informé·e des étapes et du résultat"
    )
    consent_method = RadioField(
        "Accord recueilli", choices=[(m.value, m.label) for m in ConsentMethod], default=ConsentMethod.ORAL.value
    )
    care_kinds = MultiCheckboxField("Soins auxquels la personne renonce", choices=CareKind.choices())
    other_care = StringField("Autre soin (préciser)", validators=[Optional(), max_length(200)], filters=[strip])
    reasons = MultiCheckboxField("Raisons du renoncement", choices=RenouncementReason.choices())
    other_reason = StringField("Autre raison (préciser)", validators=[Optional(), max_length(200)], filters=[strip])
    urgency = RadioField("Urgence", choices=[(u.value, u.label) for u in Urgency], default=Urgency.NORMAL.value)
    call_slots = MultiCheckboxField("Meilleurs moments pour appeler", choices=CallSlot.choices())
    call_channel = RadioField("Moyen de contact", choices=CallChannel.choices(), default=CallChannel.PHONE.value)
    message = TextAreaField(
        "Message à la MAS",
        validators=[Optional(), max_length(4000)],
        filters=[strip],
        description="Ce qui aidera le conseiller ou la conseillère à prendre contact.",
    )

    def __init__(self, *args, existing_person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_person = existing_person
        if existing_person is not None:  # the file exists: its identity fields are not asked again
            for name in (
                "first_name",
                "last_name",
                "birth_date",
                "commune_code",
                "address",
                "phone",
                "email",
                "contact_preference",
                "messages_channel",
                "situation",
                "referent_id",
                "confirm_duplicate",
            ):
                delattr(self, name)

    def take_from_orientation(self, typed) -> None:
        """What the agent typed in the orientation form before choosing the MAS service: message, urgency."""
        self.message.data = (typed.get("message") or "").strip()[:4000]
        if typed.get("urgency") in Urgency._value2member_map_:
            self.urgency.data = typed["urgency"]

    def validate_consent_method(self, field):
        if field.data not in ConsentMethod._value2member_map_:
            field.data = ConsentMethod.ORAL.value

    def validate_urgency(self, field):
        if field.data not in Urgency._value2member_map_:
            field.data = Urgency.NORMAL.value


class OpenCaseForm(BaseForm):
    pass


class ContactAttemptForm(BaseForm):
    succeeded = RadioField(
        "Résultat de la tentative",
        choices=[("yes", "La personne a été jointe"), ("no", "Pas de réponse")],
        validators=[required("Indiquez si la personne a été jointe.")],
    )
    channel = RadioField("Moyen", choices=CallChannel.choices(), default=CallChannel.PHONE.value)
    note = TextAreaField(
        "Note interne",
        validators=[Optional(), max_length(2000)],
        filters=[strip],
        description="Visible par la CPAM seulement.",
    )


class StageForm(BaseForm):
    stage = SelectField(
        "Étape", choices=[(s.value, s.label) for s in WORKING_STAGES], validators=[required("Choisissez l'étape.")]
    )


class RightsForm(BaseForm):
    """One select per right, named `right_<kind>` (added below the class)."""

    def rights(self) -> list:
        return [(right, self[f"right_{right.value}"]) for right in RightKind]

    def statuses(self) -> dict:
        return {right.value: field.data or None for right, field in self.rights()}

    @classmethod
    def for_reviews(cls, reviews):
        return cls(data={f"right_{review.right.value}": review.status.value for review in reviews})


for _right in RightKind:
    setattr(
        RightsForm,
        f"right_{_right.value}",
        SelectField(_right.label, choices=[("", "Non concerné")] + RightStatus.choices(), validators=[Optional()]),
    )


class PractitionersForm(BaseForm):
    service_ids = MultiCheckboxField("Lieux de soins proposés (annuaire)", validators=[Optional()])
    note = TextAreaField("Note interne", validators=[Optional(), max_length(2000)], filters=[strip])

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service_ids.choices = list(choices)  # ids; the page lists them with distance and capacity


class FinancingForm(BaseForm):
    aids = MultiCheckboxField("Aides mobilisées", choices=FinancialAid.choices(), validators=[Optional()])
    note = TextAreaField("Note interne", validators=[Optional(), max_length(2000)], filters=[strip])


class FollowUpForm(BaseForm):
    care_planned_on = DateField("Date prévue des soins", validators=[Optional()])
    note = TextAreaField("Note interne", validators=[Optional(), max_length(2000)], filters=[strip])


class WaitingForm(BaseForm):
    waiting = HiddenField()


class NoteForm(BaseForm):
    body = TextAreaField(
        "Note interne",
        validators=[required("Écrivez la note."), max_length(4000)],
        filters=[strip],
        description="Visible par la CPAM seulement, jamais par la structure qui a signalé.",
    )


class CloseCaseForm(BaseForm):
    outcome = RadioField("Résultat", choices=CaseOutcome.choices(), validators=[Optional()])
    reason = TextAreaField(
        "Motif",
        validators=[Optional(), max_length(2000)],
        filters=[strip],
        description="Obligatoire sauf pour « soins réalisés ». Visible par la structure qui a signalé.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.pre_validate = lambda form: None  # the operation refuses with the precise message


class DeclareMedecinTraitantForm(BaseForm):
    pass
