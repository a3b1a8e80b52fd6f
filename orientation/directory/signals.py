"""What the directory area offers the layout: its menu entry and home cards."""

from orientation import signals
from orientation.directory import queries
from orientation.directory.permissions import can_see_stale_entries
from orientation.signals import HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    return MenuItem(20, "directory.search", "Annuaire")


@signals.home_cards.connect
def _home(user, membership=None):
    cards = [
        HomeCard(
            10,
            "Trouver un service",
            "Chercher dans l'annuaire par besoin et par commune, voir la carte.",
            "directory.search",
        )
    ]
    if membership is not None and membership.user_id == user.id and membership.is_manager:
        stale = queries.count_stale_services(membership.organisation_id)
        cards.append(
            HomeCard.counting(
                100,
                stale,
                ("fiche de service à confirmer", "fiches de service à confirmer"),
                "Non confirmées dans leur délai (6 mois, sauf fréquence propre) : vérifier les horaires, le contact, "
                "la capacité.",
                "directory.stale",
                fiches="miennes",
            )
        )
    if can_see_stale_entries(user):
        cards.append(
            HomeCard(
                15,
                "Tenir l'annuaire à jour",
                "Services que leurs responsables n'ont pas confirmés un mois après notre e-mail ; "
                "erreurs signalées sur les fiches des structures sans espace.",
                "directory.to_confirm",
            )
        )
    return cards
