"""Form helpers shared by every area: French messages, trimmed strings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Email, Length

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


def _drop_nul(field) -> bool:
    """Remove NUL characters from what a field holds (PostgreSQL text cannot store them); True if any."""
    found = any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ())
    if isinstance(field.data, str) and "\x00" in field.data:
        field.data, found = field.data.replace("\x00", ""), True
    elif isinstance(field.data, list) and any(isinstance(value, str) and "\x00" in value for value in field.data):
        field.data, found = [value.replace("\x00", "") if isinstance(value, str) else value
                             for value in field.data], True
    return found


class BaseForm(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]

    def validate(self, extra_validators=None) -> bool:
        """Every form refuses NUL characters with a message on the field, before any validator queries with them."""
        with_nul = [field for field in self if _drop_nul(field)]
        valid = super().validate(extra_validators)
        for field in with_nul:
            field.errors.append(NUL_MESSAGE)
        return valid and not with_nul

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
