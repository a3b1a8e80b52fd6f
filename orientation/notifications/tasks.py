"""Celery tasks of the outbox: they take ids, and the outbox rows make them idempotent.

Retries are not Celery countdowns: a transient failure puts the row back to pending with a later
`not_before`, and `sweep_outbox` (every 15 s, see worker/schedule.py) hands it over when due.
"""

from __future__ import annotations

from celery import shared_task

from orientation import heartbeats
from orientation.extensions import db
from orientation.notifications import delivery


@shared_task(name="notifications.deliver_messages", ignore_result=True)
def deliver_messages(message_ids: list[int]) -> None:
    delivery.deliver(message_ids)


@shared_task(name="notifications.deliver_message", ignore_result=True)
def deliver_message(message_id: int) -> None:
    delivery.deliver([message_id])


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    with heartbeats.beat("notifications.sweep_outbox"):  # its age shows a stopped beat
        handed_over = delivery.sweep()
    db.session.commit()  # the heartbeat (the sweep committed its own work)
    return handed_over


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    return delivery.send_digests()
