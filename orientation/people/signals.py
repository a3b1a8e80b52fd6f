"""What the people area offers the layout: its menu entry and home card."""

from orientation import signals
from orientation.people import queries
from orientation.signals import HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    if user.memberships:
        return MenuItem(30, "people.list", "Personnes")
    return None


@signals.home_cards.connect
def _home(user, membership=None):
    if membership is None:
        return None
    return HomeCard(
        20,
        "Personnes accompagnées",
        "Créer une fiche, recueillir le consentement, noter les besoins et orienter.",
        "people.list",
    )


@signals.template_helpers.connect
def _helpers(app):
    return {"person_chronology": queries.chronology}
