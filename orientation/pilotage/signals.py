"""What the pilotage area offers the others: its menu entry, its home card, a service's figures."""

from orientation import signals
from orientation.pilotage import searches
from orientation.pilotage.permissions import can_view_pilotage
from orientation.pilotage.queries import service_responsiveness as figures
from orientation.signals import HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    if can_view_pilotage(user, membership):
        return MenuItem(90, "pilotage.dashboard", "Pilotage")
    return None


@signals.home_cards.connect
def _home(user, membership=None):
    if not can_view_pilotage(user, membership):
        return None
    return HomeCard(
        70,
        "Pilotage du Schéma",
        "Chiffres, graphiques, carte par EPCI et exports, sans donnée personnelle.",
        "pilotage.dashboard",
    )


def service_responsiveness(service):
    """The service card's figures (median time to answer, acceptance rate), once it has received enough."""
    return figures(service.id)


@signals.template_helpers.connect
def _helpers(app):
    return {"service_responsiveness": service_responsiveness}


@signals.directory_searched.connect
def _keep_search(params, results: int):
    searches.record(params, results)
