"""What the organisations area offers the layout: its entries of the « Gestion » menu."""

from orientation import signals
from orientation.organisations import queries
from orientation.organisations.models import JoinRequestStatus
from orientation.organisations.permissions import (
    can_manage_reception,
    can_moderate_join_requests,
    manages_acting_structure,
)
from orientation.signals import MANAGEMENT, HomeCard, MenuItem


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


@signals.home_cards.connect
def _home(user, membership=None):
    cards = []
    if manages_acting_structure(user, membership):
        waiting = queries.count_pending_invitations(membership.organisation_id)
        cards.append(
            HomeCard.counting(
                101,
                waiting,
                ("invitation en attente", "invitations en attente"),
                "Collègues invité·es qui n'ont pas encore créé leur compte.",
                "organisations.members",
                organisation_id=membership.organisation_id,
            )
        )
    if can_moderate_join_requests(user):
        pending = queries.count_join_requests(JoinRequestStatus.PENDING)
        cards.append(
            HomeCard.counting(
                105,
                pending,
                ("demande d'espace à examiner", "demandes d'espace à examiner"),
                "Structures qui demandent leur espace : accepter ou refuser.",
                "organisations.join_requests",
            )
        )
    return cards
