"""Forms of the managers' API pages."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from orientation.api.models import Scope
from orientation.api.webhooks import url_problem
from orientation.directory.forms import MultiCheckboxField
from orientation.forms import BaseForm


class CreateTokenForm(BaseForm):
    name = StringField(
        "Nom du jeton",
        validators=[
            DataRequired("Donnez un nom au jeton (par exemple, le logiciel qui l'utilisera)."),
            Length(max=100),
        ],
        description="Pour le reconnaître dans la liste, par exemple « Logiciel de suivi SIAO ».",
    )
    scopes = MultiCheckboxField(
        "Ce que le jeton permet",
        choices=[(scope.value, scope.label) for scope in Scope],
        validators=[DataRequired("Cochez au moins une autorisation.")],
    )


class CreateWebhookForm(BaseForm):
    url = StringField(
        "Adresse qui recevra les notifications",
        validators=[DataRequired("Donnez l'adresse du webhook."), Length(max=300)],
        description="Une adresse https:// de votre logiciel ; chaque appel est signé (HMAC-SHA256).",
    )

    def validate_url(self, field):
        problem = url_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
