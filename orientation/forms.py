"""Form helpers shared by every area: French messages, trimmed strings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Email, Length

from orientation.db import MAX_ID

REQUIRED = "Ce champ est obligatoire."


def strip(value):
    return value.strip() if isinstance(value, str) else value


def required(message: str = REQUIRED) -> DataRequired:
    return DataRequired(message=message)


def email_address() -> Email:
    return Email(message="Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
                 check_deliverability=False)


def max_length(maximum: int) -> Length:
    return Length(max=maximum, message=f"{maximum} caractères au maximum.")


NUL_MESSAGE = "Ce champ contient un caractère invisible non autorisé (caractère nul) : retirez-le et recommencez."
TOO_LARGE_MESSAGE = "Ce nombre est beaucoup trop grand."


def _unusable(field) -> str | None:
    """Input no validator should see: NUL characters (PostgreSQL text cannot store them, removed from the
    field's data) or an integer past what the database holds (dropped: WTForms' NumberRange even crashes
    past 10**308). The message to show, or None."""
    message = None
    if any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
        message = NUL_MESSAGE
    if isinstance(field.data, str) and "\x00" in field.data:
        field.data, message = field.data.replace("\x00", ""), NUL_MESSAGE
    elif isinstance(field.data, list) and any(isinstance(value, str) and "\x00" in value for value in field.data):
        field.data = [value.replace("\x00", "") if isinstance(value, str) else value for value in field.data]
        message = NUL_MESSAGE
    elif isinstance(field.data, int) and not isinstance(field.data, bool) and abs(field.data) > MAX_ID:
        field.data, message = None, TOO_LARGE_MESSAGE
    return message


class BaseForm(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]

    def validate(self, extra_validators=None) -> bool:
        """Every form refuses unusable input with a message on the field, before any validator sees it."""
        refused = {field.name: message for field in self if (message := _unusable(field))}
        valid = super().validate(extra_validators)
        for name, message in refused.items():
            if message not in self[name].errors:
                self[name].errors.append(message)
        return valid and not refused

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for the error summary at the top of the page."""
        errors = [("", "", message) for message in self.form_errors]
        for field in self:
            for message in field.errors:
                if field.name == "csrf_token":
                    errors.append(("", "Sécurité", CSRF_MESSAGE))
                else:
                    errors.append((field.id, str(field.label.text), message))
        return errors


CSRF_MESSAGE = (
    "Le formulaire a expiré ou n'a pas pu être vérifié (jeton de sécurité manquant). "
    "Vos saisies ont été conservées : vérifiez-les et envoyez à nouveau."
)
