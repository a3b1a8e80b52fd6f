"""What the referrals area offers the layout: its menu entries and home cards."""

from orientation import signals
from orientation.signals import HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    if not user.memberships:
        return None
    return [
        MenuItem(40, "referrals.inbox", "Orientations reçues"),
        MenuItem(50, "referrals.sent", "Orientations envoyées"),
    ]


@signals.home_cards.connect
def _home(user, membership=None):
    if membership is None:
        return None
    return [
        HomeCard(
            30,
            "Orientations reçues",
            "Accuser réception, décider, fixer les rendez-vous et donner le résultat.",
            "referrals.inbox",
        ),
        HomeCard(
            40,
            "Orientations envoyées",
            "Savoir où en est chaque personne orientée, jusqu'au résultat.",
            "referrals.sent",
        ),
    ]
