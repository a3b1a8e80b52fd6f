"""What the notifications area offers the layout: the header's bell, its home counts, its « Gestion » entry."""

from flask import g
from flask_login import current_user

from orientation import signals
from orientation.notifications import queries
from orientation.signals import MANAGEMENT, HomeCard, MenuItem


@signals.menu_items.connect
def _menu(user, membership=None):
    if user.is_coordinator:
        return MenuItem(110, "notifications.failures", "Messages en échec", MANAGEMENT)
    return None


def unread_notifications() -> int:
    """The header's count (shown twice: the bar and the mobile menu), one query per request."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = queries.unread_count(current_user.id)
    return g.unread_notifications


@signals.template_helpers.connect
def _helpers(app):
    return {"unread_notifications": unread_notifications}


@signals.home_cards.connect
def _home(user, membership=None):
    unread = unread_notifications()
    cards = [
        HomeCard.counting(
            5,
            unread,
            ("notification non lue", "notifications non lues"),
            "Ce qui a changé sur vos orientations et dossiers.",
            "notifications.inbox",
        )
    ]
    if user.is_coordinator:
        failed = queries.count_failed_messages()
        cards.append(
            HomeCard.counting(
                110,
                failed,
                ("message en échec", "messages en échec"),
                "E-mails et SMS qui ne sont pas partis : les renvoyer ou corriger l'adresse.",
                "notifications.failures",
            )
        )
    return cards
