"""What the organisations area offers the layout: its entries of the « Gestion » menu."""

from orientation import signals
from orientation.organisations.permissions import can_manage_reception, can_moderate_join_requests
from orientation.signals import MANAGEMENT, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    items = []
    if can_manage_reception(user, membership):
        items.append(MenuItem(95, "organisations.my_structure", "Ma structure", MANAGEMENT))
    if user.is_coordinator:
        items.append(MenuItem(100, "organisations.list", "Structures et comptes", MANAGEMENT))
    if can_moderate_join_requests(user):
        items.append(MenuItem(105, "organisations.join_requests", "Demandes d'espace", MANAGEMENT))
    return items
