"""Read helpers of the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.extensions import db
from orientation.notifications.models import MessageStatus, OutboxMessage


def list_failed_messages(limit: int = 200) -> list[OutboxMessage]:
    return (
        db.session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.FAILED)
            .order_by(OutboxMessage.created_at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


def count_by_status() -> dict[MessageStatus, int]:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return dict(rows.all())
