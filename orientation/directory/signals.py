"""What the directory area offers the layout: its menu entry and home card."""

from orientation import signals
from orientation.signals import HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    return MenuItem(20, "directory.search", "Annuaire")


@signals.home_cards.connect
def _home(user, membership=None):
    return HomeCard(
        10,
        "Trouver un service",
        "Chercher dans l'annuaire par besoin et par commune, voir la carte.",
        "directory.search",
    )
