"""What the notifications area offers the layout: its entry of the « Gestion » menu."""

from orientation import signals
from orientation.signals import MANAGEMENT, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    if user.is_coordinator:
        return MenuItem(110, "notifications.failures", "Messages en échec", MANAGEMENT)
    return None
