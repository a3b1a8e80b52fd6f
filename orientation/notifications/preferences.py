"""Whether and how a recipient is contacted: a registry other areas fill ("do not contact", opt-outs),
and each user's choice, per kind of event, between an e-mail at once and the daily digest.

A check receives the message being delivered (a `DeliveryView`: id, channel, recipient,
recipient_user_id, template, subject_type, subject_id, context) and returns None when it may go,
or the reason (French, no personal data) why it must not: the message is then cancelled with that
reason. Checks run at delivery time, so a preference changed after the event is still obeyed.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from orientation import clock
from orientation.extensions import db
from orientation.notifications.models import (
    Channel,
    DeliveryMode,
    EventKind,
    MessageStatus,
    NotificationPreference,
)

RecipientCheck = Callable[[object], str | None]
_checks: list[RecipientCheck] = []


def register_recipient_check(check: RecipientCheck) -> RecipientCheck:
    """Add a check (usable as a decorator); registering the same function twice is a no-op."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_recipient_check(check: RecipientCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def recipient_refusal(message) -> str | None:
    for check in _checks:
        reason = check(message)
        if reason:
            return reason
    return None


# ---- each user's choice, per kind of event: an e-mail at once, or the daily digest --------------

# Which kind each template of an event about an orientation or a MAS case is (the others are not
# a user's choice: a password reset, an invitation, a message to the person, always leave at once).
KIND_OF_TEMPLATE = {
    "orientation_new": EventKind.ORIENTATION_RECEIVED,
    "orientation_update": EventKind.ORIENTATION_CHANGED,
    "orientation_unopened": EventKind.REMINDER,
    "orientation_undecided": EventKind.REMINDER,
    "orientation_undecided_sender": EventKind.REMINDER,
    "orientation_stalled": EventKind.REMINDER,
    "orientation_obtained_check": EventKind.REMINDER,
    "orientation_sender_followed": EventKind.REMINDER,
    "mas_case_closed": EventKind.MAS_CASE,
    "mas_no_first_contact": EventKind.MAS_CASE,
    "mas_stalled": EventKind.MAS_CASE,
}


def user_digest_key(user_id: int) -> str:
    return f"user:{user_id}"


def choices_of(user_id: int) -> dict[EventKind, DeliveryMode]:
    """The user's explicit choices (a kind absent: the structure's setting applies)."""
    rows = db.session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.mode).where(
            NotificationPreference.user_id == user_id
        )
    )
    return dict(rows.all())


def set_choices(user_id: int, choices: dict[EventKind, DeliveryMode]) -> None:
    """Record the user's choice for each kind (flush, never commit)."""
    if not choices:
        return
    statement = insert(NotificationPreference).values(
        [{"user_id": user_id, "kind": kind, "mode": mode} for kind, mode in choices.items()]
    )
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["user_id", "kind"], set_={"mode": statement.excluded.mode})
    )


def apply_delivery_choices(rows: list[dict]) -> None:
    """Outbox rows about to be written: each recipient's own choice for the event's kind wins over the
    structure's (held for the user's daily digest, or sent at once). One query for the whole batch."""
    candidates = [
        row
        for row in rows
        if row["channel"] == Channel.EMAIL and row.get("recipient_user_id") and row["template"] in KIND_OF_TEMPLATE
    ]
    if not candidates:
        return
    user_ids = {row["recipient_user_id"] for row in candidates}
    chosen = {
        (user_id, kind): mode
        for user_id, kind, mode in db.session.execute(
            sa.select(NotificationPreference.user_id, NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id.in_(user_ids)
            )
        )
    }
    if not chosen:
        return
    for row in candidates:
        mode = chosen.get((row["recipient_user_id"], KIND_OF_TEMPLATE[row["template"]]))
        if mode is DeliveryMode.DIGEST:
            row.update(
                status=MessageStatus.HELD,
                deliver_as_digest=True,
                digest_key=user_digest_key(row["recipient_user_id"]),
                queued_at=None,
            )
        elif mode is DeliveryMode.IMMEDIATE and row["deliver_as_digest"]:
            due = row["not_before"] <= clock.now()
            row.update(
                status=MessageStatus.PENDING,
                deliver_as_digest=False,
                digest_key=None,
                queued_at=row["created_at"] if due else None,
            )
