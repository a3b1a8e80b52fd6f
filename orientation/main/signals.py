"""What the main area offers the layout: the home entry of the menu bar."""

from orientation import signals
from orientation.signals import MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    return MenuItem(10, "main.home", "Accueil")
