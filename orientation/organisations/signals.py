"""What the organisations area offers the layout: its entries of the « Gestion » menu."""

from orientation import signals
from orientation.organisations import queries
from orientation.organisations.models import JoinRequestStatus
from orientation.organisations.permissions import (
    can_moderate_join_requests,
    manages_a_structure,
    manages_acting_structure,
)
from orientation.signals import MANAGEMENT, HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    items = []
    if manages_a_structure(user):
        items.append(MenuItem(95, "organisations.my_structure", "Ma structure", MANAGEMENT))
        items.append(MenuItem(97, "organisations.my_members", "Membres", MANAGEMENT))
    if user.is_coordinator:
        items.append(MenuItem(100, "organisations.list", "Structures et comptes", MANAGEMENT))
    if can_moderate_join_requests(user):
        items.append(MenuItem(105, "organisations.join_requests", "Demandes d'espace", MANAGEMENT))
    return items


# The tabs of « Ma structure » are under its entry; the members of the structure one acts for, under « Membres ».
_MY_STRUCTURE_TABS = {"organisations.my_structure_services", "organisations.my_reception"}


@signals.menu_entry_of_page.connect
def _menu_entry(endpoint, view_args, membership=None):
    if endpoint in _MY_STRUCTURE_TABS:
        return "organisations.my_structure"
    if endpoint == "organisations.members" and membership is not None:
        if view_args.get("organisation_id") == membership.organisation_id and membership.is_manager:
            return "organisations.my_members"
        return "organisations.list"
    if endpoint in ("organisations.edit", "organisations.create"):
        return "organisations.list"
    return None


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
                "organisations.my_members",
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
