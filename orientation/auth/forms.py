from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, ValidationError

from orientation.audit.models import SecurityEventKind
from orientation.auth.passwords import password_problem
from orientation.forms import (
    BaseForm,
    EmptyForm,  # noqa: F401 (read from here by the areas above the accounts)
    UrlFilters,
    email_address,
    max_length,
    required,
    strip,
)


class LoginForm(BaseForm):
    email = EmailField("Adresse e-mail", validators=[required(), email_address(), max_length(254)], filters=[strip])
    password = PasswordField("Mot de passe", validators=[required(), max_length(200)])
    next = HiddenField()


class PasswordResetRequestForm(BaseForm):
    email = EmailField("Adresse e-mail", validators=[required(), email_address(), max_length(254)], filters=[strip])


class NewPasswordMixin:
    password = PasswordField(
        "Nouveau mot de passe",
        description="12 caractères au minimum. Une phrase de passe facile à retenir est idéale.",
        validators=[required(), max_length(200)],
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[required(), EqualTo("password", message="Les deux mots de passe sont différents.")],
    )
    email_for_policy = ""

    def validate_password(self, field):
        problem = password_problem(field.data or "", email=self.email_for_policy)
        if problem:
            raise ValidationError(problem)


class PasswordResetForm(NewPasswordMixin, BaseForm):
    pass


class AcceptInvitationForm(NewPasswordMixin, BaseForm):
    first_name = StringField("Prénom", validators=[required(), max_length(100)], filters=[strip])
    last_name = StringField("Nom", validators=[required(), max_length(100)], filters=[strip])
    password = PasswordField(
        "Mot de passe",
        description="12 caractères au minimum. Une phrase de passe facile à retenir est idéale.",
        validators=[required(), max_length(200)],
    )


class SwitchOrganisationForm(BaseForm):
    membership_id = HiddenField(validators=[required()])


class SecondFactorForm(BaseForm):
    code = StringField(
        "Code de vérification",
        description="Les 6 chiffres affichés par votre application, ou un code de secours.",
        validators=[required(), max_length(40)],
        filters=[strip],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class EnrolTotpForm(BaseForm):
    code = StringField(
        "Code à 6 chiffres affiché par l'application",
        validators=[required(), max_length(12)],
        filters=[strip],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DisableTotpForm(BaseForm):
    code = StringField(
        "Code actuel de votre application",
        validators=[required(), max_length(40)],
        filters=[strip],
        render_kw={"autocomplete": "one-time-code"},
    )


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(
        "Mot de passe actuel", validators=[required(), max_length(200)], render_kw={"autocomplete": "current-password"}
    )


class SecurityJournalFilters(UrlFilters):
    """The security journal's filters."""

    type = SelectField("Événement", choices=[("", "Tous")] + [(kind.value, kind.label) for kind in SecurityEventKind])
    echecs = BooleanField("Seulement les échecs et blocages de connexion")
    compte = StringField("Adresse e-mail (ou une partie)", validators=[max_length(254)], filters=[strip])
    choice_fields = ("type",)
