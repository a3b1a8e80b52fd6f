"""Form helpers shared by every area: French messages, trimmed strings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired, Email, Length, Optional

from orientation.clock import PARIS
from orientation.db import MAX_ID

REQUIRED = "Ce champ est obligatoire."


def strip(value):
    return value.strip() if isinstance(value, str) else value


def required(message: str = REQUIRED) -> DataRequired:
    return DataRequired(message=message)


def email_address() -> Email:
    return Email(message="Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.", check_deliverability=False)


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


class EmptyForm(BaseForm):
    """A form with only the CSRF token, for POST-only actions (logout, removals…)."""


# A button (a form with nothing typed) whose token expired: nothing to keep, the page is to reload.
BUTTON_CSRF_MESSAGE = "L'action n'a pas pu être vérifiée : rechargez la page et recommencez."
CSRF_MESSAGE = (
    "Le formulaire a expiré ou n'a pas pu être vérifié (jeton de sécurité manquant). "
    "Vos saisies ont été conservées : vérifiez-les et envoyez à nouveau."
)


class UrlFilters(BaseForm):
    """Filters of a list read from the URL (GET, no CSRF): a value that cannot be used is reported
    in French and ignored, never an error. Subclasses list their choice fields in `choice_fields`;
    every filter form has a period (`du`, `au`: days in Paris time)."""

    class Meta:
        csrf = False

    du = DateField("Du", validators=[Optional()])
    au = DateField("Au", validators=[Optional()])
    choice_fields: tuple[str, ...] = ()

    def clean(self) -> list[str]:
        self.validate()
        notices = []
        for name in self.choice_fields:
            field = self[name]
            if field.data is None:  # not in the URL: no filter
                field.data = ""
            elif field.data not in {value for value, _label in field.choices}:
                notices.append(f"« {field.label.text} » : valeur inconnue, filtre ignoré.")
                field.data = ""
        for field in (self.du, self.au):
            if field.errors:
                notices.append(f"« {field.label.text} » : date illisible, filtre ignoré.")
                field.data = None
        if self.du.data and self.au.data and self.du.data > self.au.data:
            self.du.data, self.au.data = self.au.data, self.du.data
            notices.append("La période était inversée : elle a été remise dans l'ordre.")
        return notices

    def utc_period(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC of the days chosen, as days run in the Vaucluse."""
        start = datetime.combine(self.du.data, time(), tzinfo=PARIS).astimezone(UTC) if self.du.data else None
        end = (
            datetime.combine(self.au.data + timedelta(days=1), time(), tzinfo=PARIS).astimezone(UTC)
            if self.au.data
            else None
        )
        return start, end

    def query_args(self) -> dict[str, str]:
        """The filters as they were typed, for links (pages, CSV) — the unusable ones left out."""
        return {
            field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0] and not field.errors
        }
