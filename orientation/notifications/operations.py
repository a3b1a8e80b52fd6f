"""Write use cases of the outbox: enqueue in the caller's transaction, retry a failed message.

`enqueue_message()` only inserts a row (flush, never commit); the delivery is handed to the
worker once the transaction commits. If the broker is down at that moment nothing is lost: the
row is still pending and the periodic sweep hands it over again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError

from orientation import clock
from orientation.aftercommit import after_commit, queued_after_commit
from orientation.extensions import db
from orientation.notifications import preferences, rendering
from orientation.notifications.models import (
    Channel,
    EventKind,
    MessageStatus,
    OutboxMessage,
    SubjectType,
    UserNotification,
)
from orientation.notifications.rendering import dump_context

log = logging.getLogger(__name__)

DELIVER_TASK = "notifications.deliver_messages"


def enqueue_message(
    channel: Channel | str,
    recipient: str,
    template: str,
    context: dict,
    idempotency_key: str,
    *,
    not_before: datetime | None = None,
    valid_until: datetime | None = None,
    recipient_user_id: int | None = None,
    subject_type: SubjectType | None = None,
    subject_id: int | None = None,
    digest_key: str | None = None,
    deliver_as_digest: bool = False,
    contains_credentials: bool = False,
) -> OutboxMessage:
    """Record a message in the current transaction; return it (the existing one for a known key).

    - `context`: ids, model instances (stored as references, reloaded at delivery) and JSON-safe
      values; never notes or personal data beyond what the template must show.
    - `idempotency_key`: one message per key, ever (e.g. "referral:42:not-opened:1"); a second
      call with the same key inserts nothing and returns the first message.
    - `not_before`: not delivered before this time (reminders); `valid_until`: cancelled, not
      sent, if not delivered by then (an appointment reminder after the appointment).
    - `deliver_as_digest` + `digest_key`: held for the daily digest of that key (e-mail only).
    - `contains_credentials`: the context carries a secret link (reset, invitation): context and
      body are wiped once the message is sent, failed or cancelled.
    """
    values = message_values(
        channel,
        recipient,
        template,
        context,
        idempotency_key,
        not_before=not_before,
        valid_until=valid_until,
        recipient_user_id=recipient_user_id,
        subject_type=subject_type,
        subject_id=subject_id,
        digest_key=digest_key,
        deliver_as_digest=deliver_as_digest,
        contains_credentials=contains_credentials,
    )
    inserted = enqueue_messages([values])
    if not inserted:
        return db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
        ).scalar_one()
    return db.session.get(OutboxMessage, inserted[0])


def message_values(
    channel: Channel | str,
    recipient: str,
    template: str,
    context: dict,
    idempotency_key: str,
    *,
    not_before: datetime | None = None,
    valid_until: datetime | None = None,
    recipient_user_id: int | None = None,
    subject_type: SubjectType | None = None,
    subject_id: int | None = None,
    digest_key: str | None = None,
    deliver_as_digest: bool = False,
    contains_credentials: bool = False,
) -> dict:
    """The outbox row for one message (see `enqueue_message` for the meaning of each argument)."""
    channel = Channel(channel)
    if deliver_as_digest and (channel is not Channel.EMAIL or not digest_key):
        raise ValueError("the daily digest is for e-mails with a digest_key")
    now = clock.now()
    return {
        "channel": channel,
        "recipient": recipient.strip(),
        "template": template,
        "context": dump_context(context),
        "idempotency_key": idempotency_key,
        "status": MessageStatus.HELD if deliver_as_digest else MessageStatus.PENDING,
        "attempts": 0,
        "not_before": not_before or now,
        "valid_until": valid_until,
        "created_at": now,
        # Due now: handed to the worker after the commit (forgotten if the broker refuses it).
        "queued_at": now if not deliver_as_digest and (not_before or now) <= now else None,
        "recipient_user_id": recipient_user_id,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "digest_key": digest_key,
        "deliver_as_digest": deliver_as_digest,
        "contains_credentials": contains_credentials,
    }


def enqueue_messages(rows: list[dict]) -> list[int]:
    """Insert many `message_values()` rows in one statement per thousand (a reminder sweep writes
    thousands); known idempotency keys are skipped. Returns the ids inserted; the ones due now
    are handed to the worker after the commit."""
    if not rows:
        return []
    preferences.apply_delivery_choices(rows)
    table = OutboxMessage.__table__
    # executemany: SQLAlchemy batches the rows into multi-row INSERTs with a statement compiled once.
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(
            table.c.id, table.c.status, table.c.not_before, table.c.idempotency_key, sort_by_parameter_order=True
        )
    )
    inserted = (
        db.session.connection().execute(statement, rows).all()
        if len(rows) > 1
        else db.session.connection().execute(statement, rows[0]).all()
    )
    now = clock.now()
    for message_id, status, not_before, _key in inserted:
        if MessageStatus(status) is MessageStatus.PENDING and not_before <= now:
            deliver_after_commit(message_id)
    record_in_app(rows, {key: message_id for message_id, _s, _n, key in inserted})
    return [row[0] for row in inserted]


# ---- in-app notifications ------------------------------------------------------------------------

# What a user's notification list shows: events on their orientations and MAS cases (not the reminders:
# the home's counts already say what waits), each written beside the e-mail, to the same recipients.
IN_APP_KINDS = {EventKind.ORIENTATION_RECEIVED, EventKind.ORIENTATION_CHANGED, EventKind.MAS_CASE}
IN_APP_SUBJECTS = {SubjectType.ORIENTATION, SubjectType.MAS_CASE}


def record_in_app(rows: list[dict], inserted: dict[str, int]) -> None:
    """One notification per e-mail just written to an account about an orientation or a MAS case (one
    INSERT for the batch); a message already known (same idempotency key) adds nothing."""
    values = []
    for row in rows:
        kind = preferences.KIND_OF_TEMPLATE.get(row["template"])
        message_id = inserted.get(row["idempotency_key"])
        if (
            message_id is None
            or kind not in IN_APP_KINDS
            or not row.get("recipient_user_id")
            or row.get("subject_type") not in IN_APP_SUBJECTS
            or row["channel"] != Channel.EMAIL
        ):
            continue
        values.append(
            {
                "user_id": row["recipient_user_id"],
                "kind": kind,
                "title": _title(row, kind),
                "subject_type": row["subject_type"],
                "subject_id": row["subject_id"],
                "message_id": message_id,
                "created_at": row["created_at"],
            }
        )
    if values:
        db.session.execute(insert(UserNotification), values)


def _title(row: dict, kind: EventKind) -> str:
    """The e-mail's subject (volet, service, structures: never the person), rendered now from the objects
    of the transaction; the kind's name if it cannot be."""
    try:
        context = rendering.load_context(row["context"], db.session)
        context = rendering.build_context(row["template"], context, db.session)
        return rendering.render_subject(row["template"], context)[:300]
    except SQLAlchemyError:
        raise  # the transaction itself failed: the change must not go through silently
    except Exception:  # noqa: BLE001 (a title must never stop the change it tells about)
        log.warning("in-app notification: subject of %s not rendered", row["template"], exc_info=True)
        return kind.label


def notify_users(user_ids, kind: EventKind, subject_type: SubjectType, subject_id: int, title: str) -> None:
    """In-app only (no e-mail goes for it): e.g. a rendez-vous set on an orientation."""
    now = clock.now()
    values = [
        {
            "user_id": user_id,
            "kind": kind,
            "title": title[:300],
            "subject_type": subject_type,
            "subject_id": subject_id,
            "created_at": now,
        }
        for user_id in sorted(set(user_ids))
    ]
    if values:
        db.session.execute(insert(UserNotification), values)


def mark_read(user_id: int, notification_ids=None) -> int:
    """Mark the user's notifications read (these ids, or all); never another user's."""
    statement = sa.update(UserNotification).where(
        UserNotification.user_id == user_id, UserNotification.read_at.is_(None)
    )
    if notification_ids is not None:
        statement = statement.where(UserNotification.id.in_(list(notification_ids)))
    result = db.session.execute(statement.values(read_at=clock.now()).execution_options(synchronize_session=False))
    return result.rowcount


def purge_read_notifications(older_than_days: int) -> int:
    """Retention: read notifications older than the delay are deleted."""
    cutoff = clock.now() - timedelta(days=older_than_days)
    result = db.session.execute(
        sa.delete(UserNotification)
        .where(UserNotification.read_at.is_not(None), UserNotification.read_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def deliver_after_commit(message_id: int) -> None:
    """Hand the message to the worker once the transaction commits (one batch per transaction)."""
    queued = queued_after_commit(_dispatch_after_commit)
    if queued is not None:
        queued.args[0].append(message_id)
    else:
        after_commit(_dispatch_after_commit, [message_id])


def _dispatch_after_commit(message_ids: list[int]) -> None:
    if not dispatch(message_ids):  # broker down: the sweep hands them over as soon as it is back
        from orientation.notifications.delivery import forget_hand_over  # delivery imports this module

        forget_hand_over(message_ids)


def dispatch(message_ids: list[int]) -> bool:
    """Deliver now in-process (NOTIFICATIONS_DELIVER_INLINE, tests) or send tasks to the broker.

    Never raises: with the broker down, the messages stay pending and the sweep retries. Returns
    whether every id was handed over.
    """
    if not message_ids:
        return True
    config = current_app.config
    if config.get("NOTIFICATIONS_DELIVER_INLINE"):
        from orientation.notifications.delivery import deliver_in_new_session  # delivery imports this module

        deliver_in_new_session(message_ids)
        return True
    celery = current_app.extensions["celery"]
    size = config.get("NOTIFICATIONS_BATCH_SIZE", 20)
    try:
        for start in range(0, len(message_ids), size):
            # Fail fast when the broker is down: the user's request must not hang, the sweep retries.
            celery.send_task(
                DELIVER_TASK,
                args=[message_ids[start : start + size]],
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
            )
    except Exception as error:  # noqa: BLE001 (a broker outage must never reach the user)
        log.warning(
            "outbox: %d message(s) not handed to the broker (%s); the sweep will retry",
            len(message_ids),
            type(error).__name__,
        )
        return False
    return True


def retry_message(message: OutboxMessage) -> bool:
    """A coordinator asks for a failed message to be tried again (fresh attempt count)."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.status == MessageStatus.FAILED,
            OutboxMessage.contains_credentials.is_(False),
        )
        .values(status=MessageStatus.PENDING, attempts=0, not_before=clock.now(), queued_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.expire(message)
    deliver_after_commit(message.id)
    return True


def cancel_messages(subject_type: SubjectType, subject_id: int, *, template: str | None = None, reason: str) -> int:
    """Cancel the not-yet-sent messages about something (e.g. reminders of a closed orientation)."""
    conditions = [
        OutboxMessage.subject_type == subject_type,
        OutboxMessage.subject_id == subject_id,
        OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.HELD]),
    ]
    if template:
        conditions.append(OutboxMessage.template == template)
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(*conditions)
        .values(status=MessageStatus.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
