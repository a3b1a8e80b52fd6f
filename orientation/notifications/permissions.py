"""Who may see and retry delivery failures: the only place these rules live."""

from __future__ import annotations

from flask import abort


def can_view_delivery_failures(user) -> bool:
    return bool(user.is_authenticated and user.is_coordinator)


def can_retry_message(user, message) -> bool:
    return can_view_delivery_failures(user) and not message.contains_credentials


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def can_read_notification(user, notification) -> bool:
    """A user's notifications are theirs alone, whatever their role."""
    return bool(user.is_authenticated and notification.user_id == user.id)
