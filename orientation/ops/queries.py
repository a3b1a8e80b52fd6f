"""Reads behind the metrics, computed at scrape time: a few indexed aggregates, no writes."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from orientation.extensions import db
from orientation.heartbeats import OpsHeartbeat
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage


def count_by_channel(status: MessageStatus) -> dict[Channel, int]:
    """Messages in this status per channel (ix_outbox_messages_status_not_before: only those rows are read)."""
    query = (
        sa.select(OutboxMessage.channel, sa.func.count())
        .where(OutboxMessage.status == status)
        .group_by(OutboxMessage.channel)
    )
    found = dict(db.session.execute(query).all())
    return {channel: found.get(channel, 0) for channel in Channel}


def oldest_due_pending_by_channel(now: datetime) -> dict[Channel, datetime | None]:
    """The earliest `not_before` of pending messages already due, per channel (scheduled ones are not late)."""
    query = (
        sa.select(OutboxMessage.channel, sa.func.min(OutboxMessage.not_before))
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.not_before <= now)
        .group_by(OutboxMessage.channel)
    )
    found = dict(db.session.execute(query).all())
    return {channel: found.get(channel) for channel in Channel}


def sent_since_by_channel(since: datetime) -> dict[Channel, int]:
    """Messages delivered since this time, per channel (ix_outbox_messages_sent_at)."""
    query = (
        sa.select(OutboxMessage.channel, sa.func.count())
        .where(OutboxMessage.sent_at >= since)
        .group_by(OutboxMessage.channel)
    )
    found = dict(db.session.execute(query).all())
    return {channel: found.get(channel, 0) for channel in Channel}


def sent_in_last_hour(now: datetime) -> dict[Channel, int]:
    return sent_since_by_channel(now - timedelta(hours=1))


def list_heartbeats() -> list[OpsHeartbeat]:
    return list(db.session.scalars(sa.select(OpsHeartbeat).order_by(OpsHeartbeat.name)))
