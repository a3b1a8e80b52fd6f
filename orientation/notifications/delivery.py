"""Delivering the outbox: claim, check, render, send, record — never twice at once, never lost.

Guarantees and their limits:
- A message is *claimed* with a conditional UPDATE (pending and due → sending, attempts + 1,
  claimed_at = now) committed before anything is sent, so two workers, or a task redelivered by the
  broker (acks late), never send the same message concurrently: the second finds it claimed.
- The outcome is recorded immediately after the SMTP transaction / HTTP call succeeds
  (status sent, sent_at), committed message by message.
- The worker's bookkeeping (claims and outcomes, on the batch's own connection) commits with
  `synchronous_commit = off`: a commit no longer waits for the WAL flush. It is
  visible to every other session at once and survives a worker crash; only a crash of the
  PostgreSQL server itself could forget the last commits (those of the WAL writer's last few
  hundred ms at most), and since the WAL is written in order a lost claim always goes with its
  lost outcome: the message is then sent again — the at-least-once case below, no new one.
- A worker killed mid-send leaves the message "sending" with its claim; once the claim is older
  than NOTIFICATIONS_CLAIM_TIMEOUT (40 s; a live worker renews the claims of its batch every
  quarter of that) the sweep hands it out again. This is *at-least-once*: if the
  process died in the few milliseconds between the server's "250 OK" and our commit, the message is
  sent a second time (with the same Message-ID, which lets mail systems deduplicate). SMTP and SMS
  APIs offer no two-phase commit, so exactly-once is impossible; the window is kept to one UPDATE.
- Transient errors put the message back to pending with an exponential, capped backoff
  (not_before), up to NOTIFICATIONS_MAX_ATTEMPTS attempts, then `failed` with the last error;
  permanent errors fail it at once. Nothing escapes to crash the worker.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from orientation import clock
from orientation.extensions import db
from orientation.notifications import channels, preferences, rendering
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage, SubjectType

log = logging.getLogger(__name__)

TERMINAL = (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED)
CHANNELS = {Channel.EMAIL: channels.EmailChannel(), Channel.SMS: channels.SmsChannel()}
_SNAPSHOT = (
    "id",
    "channel",
    "recipient",
    "recipient_user_id",
    "template",
    "context",
    "idempotency_key",
    "attempts",
    "valid_until",
    "claimed_at",
    "subject_type",
    "subject_id",
    "contains_credentials",
    "digest_key",
)


@dataclasses.dataclass(frozen=True)
class DeliveryView:
    """The claimed message as plain values (what recipient checks receive)."""

    id: int
    channel: Channel
    recipient: str
    recipient_user_id: int | None
    template: str
    context: dict
    idempotency_key: str
    attempts: int
    valid_until: datetime | None
    claimed_at: datetime
    subject_type: SubjectType | None
    subject_id: int | None
    contains_credentials: bool
    digest_key: str | None


def _setting(name: str):
    return current_app.config[name]


def claimable(now: datetime):
    """Pending and due, or sending with a claim so old that its worker must have died."""
    stale = now - timedelta(seconds=_setting("NOTIFICATIONS_CLAIM_TIMEOUT"))
    return sa.or_(
        sa.and_(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.not_before <= now),
        sa.and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < stale),
    )


def claim(session: Session, message_ids: list[int], now: datetime) -> list[DeliveryView]:
    """Take the claimable messages among `message_ids`; committed, so the claim is visible at once."""
    rows = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), claimable(now))
        .values(status=MessageStatus.SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .returning(*(getattr(OutboxMessage, name) for name in _SNAPSHOT))
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted((DeliveryView(**row._mapping) for row in rows), key=lambda view: view.id)


def deliver(message_ids: list[int], session: Session | None = None) -> dict[int, MessageStatus]:
    """Deliver these messages if they are still to be delivered; {id: new status} of those handled.

    Without a session (the worker's task), in a session of its own that keeps one connection for
    the whole batch: each message commits its outcome, and going back to the pool between them
    would cost a checkout and a pre-ping round trip per message.
    """
    if session is None:
        with batch_session() as session:
            return deliver(message_ids, session)
    views = claim(session, list(message_ids), clock.now())
    if not views:
        return {}
    with rendering.url_context():  # one request context for the batch (url_for in templates)
        return {view.id: _deliver_one(session, view) for view in _kept_claims(session, views)}


def _kept_claims(session: Session, views: list[DeliveryView]) -> Iterator[DeliveryView]:
    """The batch's messages one by one, renewing the claims of those still to send as time passes.

    Claims are short (NOTIFICATIONS_CLAIM_TIMEOUT, 40 s) so that a dead worker's messages are taken
    over within a minute; a live worker renews the claims of the rest of its batch every quarter of
    that, before its next message. A claim found lost (this worker stalled longer than the timeout
    and another took over) is not sent here: the other worker owns it. All the views of a batch
    share one `claimed_at`, the claim's token, moved forward by each renewal.
    """
    every = timedelta(seconds=_setting("NOTIFICATIONS_CLAIM_TIMEOUT") / 4)
    remaining = list(views)
    while remaining:
        now = clock.now()
        if now - remaining[0].claimed_at >= every:
            remaining = _renew_claims(session, remaining, now)
            if not remaining:
                return
        yield remaining.pop(0)


def _renew_claims(session: Session, views: list[DeliveryView], now: datetime) -> list[DeliveryView]:
    """Move the claims of `views` to `now` if they still hold; committed. Returns the renewed views."""
    held = set(
        session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id.in_([view.id for view in views]),
                OutboxMessage.status == MessageStatus.SENDING,
                OutboxMessage.claimed_at == views[0].claimed_at,
            )
            .values(claimed_at=now)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    session.commit()
    for view in views:
        if view.id not in held:
            log.warning("outbox message %s: claim lost before sending, left to the worker that took it", view.id)
    return [dataclasses.replace(view, claimed_at=now) for view in views if view.id in held]


def deliver_in_new_session(message_ids: list[int]) -> dict[int, MessageStatus]:
    """Deliver outside the caller's session (used right after a commit, when it cannot emit SQL)."""
    return deliver(message_ids)


@contextmanager
def batch_session() -> Iterator[Session]:
    """A session of its own on one connection held for the batch; commits are real commits.

    The connection runs the batch with `synchronous_commit = off` (see the module
    docstring), set once here rather than by a `SET LOCAL` round trip per message, and reset
    before it goes back to the pool. In the tests the app's engine is a connection inside a
    transaction rolled back at the end: the session then joins it, commits become savepoints.
    """
    bind = db.engine
    if not isinstance(bind, sa.Engine):
        with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
            yield session
        return
    with bind.connect() as connection:
        connection.exec_driver_sql("SET synchronous_commit = off")
        connection.commit()
        try:
            with Session(bind=connection) as session:
                yield session
        finally:
            if not connection.invalidated:
                try:
                    connection.rollback()
                    connection.exec_driver_sql("RESET synchronous_commit")
                    connection.commit()
                except sa.exc.DBAPIError:  # a broken connection must not go back to the pool as is
                    connection.invalidate()


def _deliver_one(session: Session, view: DeliveryView) -> MessageStatus:
    try:
        status, values = _attempt(session, view)
    except Exception as error:  # noqa: BLE001 (a bug or an outage must not crash the worker)
        session.rollback()
        log.exception("outbox message %s: unexpected error", view.id)
        status, values = _retry_or_fail(view, f"erreur inattendue : {type(error).__name__}: {error}"[:500])
    if view.contains_credentials and status in TERMINAL:
        values.update(context={}, body=None)
    updated = (
        session.connection()
        .execute(
            _outcome_statement(tuple(sorted(values))),
            {**values, "status": status, "claimed_id": view.id, "claimed_at_": view.claimed_at},
        )
        .rowcount
    )
    session.commit()
    if not updated:  # the claim went stale and another worker took over: it records the outcome
        log.warning("outbox message %s: claim lost before recording %s", view.id, status)
    else:
        log.info("outbox message %s (%s, %s): %s", view.id, view.channel, view.template, status)
    return status


@functools.cache
def _outcome_statement(columns: tuple[str, ...]) -> sa.Update:
    """The outcome UPDATE, only if our claim still holds; built once per set of columns.

    A Core statement with bound parameters: building and compiling an ORM UPDATE for every
    message cost more CPU than sending it (see bench/README.md).
    """
    table = OutboxMessage.__table__
    return (
        sa.update(table)
        .where(
            table.c.id == sa.bindparam("claimed_id"),
            table.c.status == MessageStatus.SENDING,
            table.c.claimed_at == sa.bindparam("claimed_at_"),
        )
        .values({name: sa.bindparam(name, type_=table.c[name].type) for name in ("status", *columns)})
    )


def _attempt(session: Session, view: DeliveryView) -> tuple[MessageStatus, dict]:
    now = clock.now()
    if view.valid_until is not None and now >= view.valid_until:
        return MessageStatus.CANCELLED, {"last_error": "annulé : le moment de ce message est passé"}
    refusal = preferences.recipient_refusal(view)
    if refusal:
        return MessageStatus.CANCELLED, {"last_error": f"annulé : {refusal}"}
    try:
        CHANNELS[view.channel].check_recipient(view.recipient)
    except channels.PermanentError as error:
        return MessageStatus.FAILED, {"last_error": str(error)}
    try:
        context = rendering.load_context(view.context, session)
        context = rendering.build_context(view.template, context, session)
        rendered = rendering.render(view.channel, view.template, context)
    except rendering.MissingObject as error:
        return MessageStatus.CANCELLED, {"last_error": f"annulé : {error}"}
    except rendering.RenderError as error:
        return MessageStatus.FAILED, {"last_error": str(error)}
    try:
        CHANNELS[view.channel].send(view.id, view.recipient, rendered, _headers(view))
    except channels.PermanentError as error:
        return MessageStatus.FAILED, {"last_error": str(error)[:1000]}
    except channels.TransientError as error:
        return _retry_or_fail(view, str(error)[:1000])
    return MessageStatus.SENT, {
        "sent_at": clock.now(),
        "subject": rendered.subject[:300] or None,
        "body": rendered.text,
        "last_error": None,
    }


def _retry_or_fail(view: DeliveryView, error: str) -> tuple[MessageStatus, dict]:
    if view.attempts >= _setting("NOTIFICATIONS_MAX_ATTEMPTS"):
        return MessageStatus.FAILED, {"last_error": f"{error} (abandon après {view.attempts} tentatives)"}
    return MessageStatus.PENDING, {
        "last_error": error,
        "not_before": clock.now() + backoff(view.attempts),
        "queued_at": None,
    }


def backoff(attempts: int) -> timedelta:
    """Exponential, capped: base, 2×base, 4×base… up to NOTIFICATIONS_RETRY_MAX_SECONDS."""
    base, cap = _setting("NOTIFICATIONS_RETRY_BASE_SECONDS"), _setting("NOTIFICATIONS_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _headers(view: DeliveryView) -> dict[str, str]:
    """The same Message-ID on every attempt, so receiving systems can drop a duplicate."""
    domain = urlsplit(_setting("PUBLIC_BASE_URL")).hostname or "orientation.local"
    digest = hashlib.sha256(view.idempotency_key.encode()).hexdigest()[:16]
    return {"Message-ID": f"<outbox-{view.id}.{digest}@{domain}>", "X-Orientation-Outbox-Id": str(view.id)}


# ---- the sweep ---------------------------------------------------------------------------------


def sweep(limit: int | None = None) -> int:
    """Hand over again what is due and not handed over recently; cancel what is past its moment.

    Finds lost tasks (broker down at commit time, worker killed, retries that came due, reminders
    whose not_before arrived). Returns how many messages were handed to the worker.
    """
    session = db.session
    now = clock.now()
    limit = limit or _setting("NOTIFICATIONS_SWEEP_LIMIT")
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.valid_until <= now)
        .values(status=MessageStatus.CANCELLED, last_error="annulé : le moment de ce message est passé")
        .execution_options(synchronize_session=False)
    )
    due = (
        sa.select(OutboxMessage.id)
        .where(_to_hand_over(now, everything=_broker_lost_its_tasks()))
        .order_by(OutboxMessage.not_before)
        .limit(limit)
    )
    due = due.with_for_update(skip_locked=True)  # two sweeps at once split the work
    ids = session.execute(due).scalars().all()
    if ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(queued_at=now)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    if not ids:
        return 0
    from orientation.notifications.operations import dispatch  # operations imports this module: read when used

    if not dispatch(list(ids)):  # broker still down: forget the hand-over so the next sweep retries
        session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.queued_at == now)
            .values(queued_at=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return 0
    return len(ids)


BROKER_MARKER = "orientation:outbox:broker-marker"


def _broker_lost_its_tasks() -> bool:
    """Whether the broker (Redis) was restarted without its data since the last sweep.

    The sweep leaves a key in the broker's Redis; if it is gone, so are the tasks that Redis held
    (no persistence, a new server): every pending message is then handed over at once instead of
    after NOTIFICATIONS_REQUEUE_AFTER. Never raises: a broker that does not answer says no.
    """
    if _setting("NOTIFICATIONS_DELIVER_INLINE"):
        return False
    url = current_app.extensions["celery"].conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):  # the PostgreSQL broker loses nothing on a restart
        return False
    import redis  # only with a Redis broker

    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        with client:
            return bool(client.set(BROKER_MARKER, "1", nx=True))
    except redis.RedisError:
        return False


def _to_hand_over(now: datetime, *, everything: bool = False):
    """What the sweep hands over: claimable messages that no live task is known to carry.

    - pending and due, never handed over (`queued_at` null: a reminder whose time came, a retry that
      came due, or a hand-over that failed because the broker was down — forgotten by
      `forget_hand_over`): at once, whatever its age, so messages go out as soon as the broker is
      back;
    - sending with a stale claim (its worker died): at once, unless handed over since the claim;
    - anything handed over longer than NOTIFICATIONS_REQUEUE_AFTER ago (a task lost by the broker),
      or, `everything`, whenever it was handed over (the broker was restarted without its tasks).
    A message handed over twice is still delivered once: its task claims it first.
    """
    requeue_before = now - timedelta(seconds=_setting("NOTIFICATIONS_REQUEUE_AFTER"))
    stale = now - timedelta(seconds=_setting("NOTIFICATIONS_CLAIM_TIMEOUT"))
    quiet = sa.or_(OutboxMessage.queued_at.is_(None), OutboxMessage.queued_at <= requeue_before)
    if everything:
        quiet = sa.true()
    return sa.or_(
        sa.and_(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.not_before <= now, quiet),
        sa.and_(
            OutboxMessage.status == MessageStatus.SENDING,
            OutboxMessage.claimed_at < stale,
            sa.or_(quiet, OutboxMessage.queued_at < OutboxMessage.claimed_at),
        ),
    )


def forget_hand_over(message_ids: list[int]) -> None:
    """The broker refused these messages after their commit: mark them never handed over, so the
    first sweep once the broker is back hands them over whatever their age (see `_to_hand_over`).

    Runs in a session of its own (after the commit, the caller's cannot emit SQL); if the database
    is unreachable too, they wait NOTIFICATIONS_REQUEUE_AFTER instead.
    """
    try:
        with batch_session() as session:
            session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == MessageStatus.PENDING)
                .values(queued_at=None)
                .execution_options(synchronize_session=False)
            )
            session.commit()
    except sa.exc.SQLAlchemyError as error:
        log.warning("outbox: %d failed hand-over(s) not recorded (%s)", len(message_ids), type(error).__name__)


# ---- the daily digest ------------------------------------------------------------------------


@rendering.register_context_builder("digest")
def _digest_context(context: dict, session: Session) -> dict:
    """Each held message becomes a line of the digest: its own subject, and its link if any."""
    items = []
    if not context["message_ids"]:
        return {**context, "items": items}
    originals = (
        session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(context["message_ids"])).order_by(OutboxMessage.id)
        )
        .scalars()
        .all()
    )
    for original in originals:
        try:
            loaded = rendering.load_context(original.context, session)
            loaded = rendering.build_context(original.template, loaded, session)
            subject = rendering.render(original.channel, original.template, loaded).subject
        except (rendering.MissingObject, rendering.RenderError):
            log.warning("digest: message %s cannot be rendered, listed without detail", original.id)
            subject, loaded = "Une notification (détail indisponible)", {}
        items.append({"subject": subject, "link": loaded.get("link"), "created_at": original.created_at})
    return {**context, "items": items}


def send_digests() -> int:
    """Group the held messages of each (digest_key, recipient) into one "digest" e-mail, once a day."""
    from orientation.notifications.operations import enqueue_message  # operations imports this module

    session = db.session
    now = clock.now()
    groups = session.execute(
        sa.select(OutboxMessage.digest_key, OutboxMessage.recipient)
        .where(OutboxMessage.status == MessageStatus.HELD)
        .distinct()
    ).all()
    sent = 0
    today = now.astimezone(clock.PARIS).date().isoformat()
    for digest_key, recipient in groups:
        # One digest per key (a user) and per day, whatever the number of runs: a later run leaves the
        # messages held since for tomorrow's.
        key = f"digest:{digest_key}:{hashlib.sha256(recipient.encode()).hexdigest()[:12]}:{today}"
        if session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None:
            continue
        held = (
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.status == MessageStatus.HELD,
                OutboxMessage.digest_key == digest_key,
                OutboxMessage.recipient == recipient,
            )
            .order_by(OutboxMessage.id)
        )
        held = held.with_for_update(skip_locked=True)
        messages = session.execute(held).scalars().all()
        live = [m for m in messages if m.valid_until is None or m.valid_until > now]
        for message in set(messages) - set(live):
            message.status = MessageStatus.CANCELLED
            message.last_error = "annulé : le moment de ce message est passé"
        if live:
            digest = enqueue_message(
                Channel.EMAIL,
                recipient,
                "digest",
                {"message_ids": [m.id for m in live]},
                idempotency_key=key,
                recipient_user_id=live[0].recipient_user_id,
                subject_type=SubjectType.DIGEST,
            )
            for message in live:
                message.status, message.digest_message_id = MessageStatus.DIGESTED, digest.id
            sent += 1
        session.commit()
    return sent
