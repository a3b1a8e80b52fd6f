"""Read helpers of the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.extensions import db
from orientation.notifications.models import MessageStatus, OutboxMessage, UserNotification
from orientation.paging import Page, folded, paged, search_words, within

FAILURES_PAGE = 50


def failed_messages_page(search: str = "", page=None) -> Page:
    """Messages that could not be delivered, the newest first; each word searched in the template or
    the error, or the message's number. Never in the recipient: the page masks it, a search must not
    reveal it."""
    words = [
        sa.or_(
            folded(OutboxMessage.template).contains(word, autoescape=True),
            folded(OutboxMessage.last_error).contains(word, autoescape=True),
            *([OutboxMessage.id == int(word)] if word.isdigit() and len(word) < 10 else []),
        )
        for word in search_words(search)
    ]
    statement = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED, *words)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return paged(statement, page, FAILURES_PAGE)


def count_failed_messages() -> int:
    """The coordination's home count (the status index): what the failures page lists."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED)
        )
        or 0
    )


def count_by_status() -> dict[MessageStatus, int]:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return dict(rows.all())


# ---- a user's in-app notifications ---------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 20


def notifications_page(user_id: int, page: int | None = 1, per_page: int = NOTIFICATIONS_PER_PAGE) -> Page:
    """The user's notifications, unread first, then the newest first (two statements)."""
    mine = UserNotification.user_id == user_id
    total = db.session.scalar(sa.select(sa.func.count()).select_from(UserNotification).where(mine)) or 0
    number = within(page, total, per_page)
    items = list(
        db.session.scalars(
            sa.select(UserNotification)
            .where(mine)
            .order_by(
                UserNotification.read_at.is_not(None), UserNotification.created_at.desc(), UserNotification.id.desc()
            )
            .limit(per_page)
            .offset((number - 1) * per_page)
        )
    )
    return Page(items, total, number, per_page)


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserNotification)
            .where(UserNotification.user_id == user_id, UserNotification.read_at.is_(None))
        )
        or 0
    )


def get_notification(notification_id: int) -> UserNotification:
    return db.get_or_404(UserNotification, notification_id)


# The page each kind of subject opens: its area declares it (in its signals.py), the notifications
# area names none of them.
_SUBJECT_PAGES: dict = {}


def register_subject_page(subject_type, endpoint: str, argument: str) -> None:
    _SUBJECT_PAGES[subject_type] = (endpoint, argument)


def subject_url(notification: UserNotification) -> str | None:
    from flask import url_for

    page = _SUBJECT_PAGES.get(notification.subject_type)
    if page is None:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: notification.subject_id})
