"""The API area's receivers: partners' webhooks on every change, its entry of the « Gestion » menu."""

from orientation import signals
from orientation.api import webhooks
from orientation.api.permissions import can_manage_api
from orientation.signals import MANAGEMENT, MenuItem


@signals.orientation_changed.connect
def _orientation_webhooks(orientation, event):
    webhooks.enqueue_orientation_event(orientation, event)  # the partners' systems of both sides


@signals.appointment_changed.connect
def _appointment_webhooks(appointment, orientation):
    webhooks.enqueue_appointment_event(orientation, appointment)


@signals.menu_items.connect
def _menu(user, membership=None):
    if can_manage_api(user, membership):
        return MenuItem(130, "api_manage.index", "API de la structure", MANAGEMENT)
    return None
