"""Forms of the notifications area: each user's choice, per kind of event, of how to be told by e-mail."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import InputRequired

from orientation.forms import BaseForm
from orientation.notifications.models import DeliveryMode, EventKind

MODE_CHOICES = [(mode.value, mode.label) for mode in DeliveryMode]
CHOOSE_ONE = "Choisissez un e-mail à chaque fois ou un récapitulatif par jour."


class NotificationChoicesForm(BaseForm):
    """One radio group per kind of event (built from `EventKind`, so a new kind is offered at once)."""

    def choices(self) -> dict[EventKind, DeliveryMode]:
        return {kind: DeliveryMode(self[kind.value].data) for kind in EventKind}

    def kind_fields(self):
        return [self[kind.value] for kind in EventKind]


for _kind in EventKind:
    setattr(
        NotificationChoicesForm,
        _kind.value,
        RadioField(_kind.label, choices=MODE_CHOICES, validators=[InputRequired(message=CHOOSE_ONE)]),
    )
