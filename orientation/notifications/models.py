"""The outbox: every message (e-mail, SMS or webhook call) is a row written in the transaction that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import enum_type, utcnow
from orientation.extensions import db
from orientation.personal_data import PersonalData, blank, erase, export_only, keep


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"  # an HTTPS POST to a partner's system (orientation.api.webhooks); recipient: the URL

    @property
    def label(self) -> str:
        return {"email": "E-mail", "sms": "SMS", "webhook": "Webhook"}[self.value]


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its time (not_before) or for a worker
    SENDING = "sending"  # claimed by a worker (claimed_at); re-claimable once the claim is stale
    SENT = "sent"
    FAILED = "failed"  # permanent error, or transient errors up to the attempt limit
    CANCELLED = "cancelled"  # its moment passed (valid_until), or the recipient must not be contacted
    HELD = "held"  # waiting for the daily digest of its digest_key
    DIGESTED = "digested"  # delivered inside the digest message digest_message_id

    @property
    def label(self) -> str:
        return {
            "pending": "en attente",
            "sending": "en cours d'envoi",
            "sent": "envoyé",
            "failed": "en échec",
            "cancelled": "annulé",
            "held": "réservé pour le récapitulatif",
            "digested": "envoyé en récapitulatif",
        }[self.value]


class SubjectType(enum.StrEnum):
    """What an outbox message is about (`subject_id` is that row's id), so that areas find or cancel theirs.

    The tables of people's files name the types that point to them (`outbox_subjects` in their
    personal-data declaration): the export and anonymisation find a person's messages that way.
    """

    ORIENTATION = "orientation"
    ORIENTATION_REMINDER = "orientation-reminder"  # reminders: cancelled when the orientation moves
    APPOINTMENT = "appointment"
    MAS_CASE = "mas_case"
    USER = "user"  # an account's own messages (inactivity warning)
    WEBHOOK = "webhook"  # subject_id: the webhook endpoint
    DIGEST = "digest"  # a daily digest (subject_id: the recipient account)
    SERVICE = "service"  # a directory service
    STRUCTURE = "structure"  # a directory structure (its managers asked to confirm its services are current)


JSON_TYPE = JSONB()


def _anonymous_recipient(column):
    """The person's address goes; an agent's (a message to an account) stays with the account."""
    return sa.case((column.table.c.recipient_user_id.is_(None), sa.literal("anonymisé")), else_=column)


class OutboxMessage(db.Model):
    """One message to one recipient.

    `context` holds only ids (model references) and JSON-safe values; the template is rendered at
    delivery time from objects reloaded from the database (see `rendering.py`), so no name, note
    or address other than the recipient's sits in the outbox or in Redis.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_status_not_before", "status", "not_before"),
        sa.Index("ix_outbox_messages_subject", "subject_type", "subject_id"),
        sa.Index("ix_outbox_messages_sent_at", "sent_at"),  # deliveries of the last hour (ops metrics)
        sa.Index(
            "ix_outbox_messages_held_digest_key",
            "digest_key",
            postgresql_where=sa.text("status = 'held'"),
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_sent_at"),
        sa.CheckConstraint("status <> 'sending' OR claimed_at IS NOT NULL", name="sending_has_claim"),
        sa.CheckConstraint("status <> 'held' OR digest_key IS NOT NULL", name="held_has_digest_key"),
        sa.CheckConstraint("status <> 'digested' OR digest_message_id IS NOT NULL", name="digested_has_digest"),
        sa.CheckConstraint("NOT deliver_as_digest OR digest_key IS NOT NULL", name="digest_needs_key"),
    )
    # A message reaches a person through what it is about; anonymisation also cancels those not sent.
    __personal_data__ = PersonalData(
        subject=("subject_type", "subject_id"),
        not_audited="messages are logged by the outbox's own statuses, not in the person's journal",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "outbox_channel"), info=keep())
    recipient: Mapped[str] = mapped_column(sa.String(320), info=blank(_anonymous_recipient))
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    template: Mapped[str] = mapped_column(sa.String(100), info=keep())
    context: Mapped[dict] = mapped_column(JSON_TYPE, default=dict, info=blank({}))
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), unique=True, info=keep())
    status: Mapped[MessageStatus] = mapped_column(
        enum_type(MessageStatus, "outbox_status"), default=MessageStatus.PENDING, info=keep()
    )
    attempts: Mapped[int] = mapped_column(default=0, info=export_only())
    last_error: Mapped[str | None] = mapped_column(sa.Text, info=keep())
    not_before: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    valid_until: Mapped[datetime | None] = mapped_column(info=keep())
    # Last time a delivery task was sent to the broker.
    queued_at: Mapped[datetime | None] = mapped_column(info=export_only())
    claimed_at: Mapped[datetime | None] = mapped_column(info=export_only())  # when a worker took it (status sending)
    sent_at: Mapped[datetime | None] = mapped_column(info=keep())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    # What was sent (filled at delivery); wiped with the context when it carried a credential.
    subject: Mapped[str | None] = mapped_column(sa.String(300), info=erase())
    body: Mapped[str | None] = mapped_column(sa.Text, info=erase())
    contains_credentials: Mapped[bool] = mapped_column(default=False, info=keep())
    # What the message is about, so other areas can find or cancel their messages.
    subject_type: Mapped[SubjectType | None] = mapped_column(enum_type(SubjectType, "outbox_subject_type"), info=keep())
    subject_id: Mapped[int | None] = mapped_column(info=keep())
    # Daily digest: held messages of one digest_key are grouped into one e-mail.
    digest_key: Mapped[str | None] = mapped_column(sa.String(100), info=keep())
    deliver_as_digest: Mapped[bool] = mapped_column(default=False, info=keep())
    digest_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    def __repr__(self) -> str:  # ids only: never the recipient in logs
        return f"<OutboxMessage {self.id} {self.channel} {self.template} {self.status}>"


class EventKind(enum.StrEnum):
    """What a user is told about, each kind by e-mail at once or in the daily digest (their choice)."""

    ORIENTATION_RECEIVED = "orientation_received"
    ORIENTATION_CHANGED = "orientation_changed"
    REMINDER = "reminder"
    MAS_CASE = "mas_case"

    @property
    def label(self) -> str:
        return {
            "orientation_received": "Une orientation arrive pour ma structure",
            "orientation_changed": "Une de mes orientations change de statut ou de rendez-vous",
            "reminder": "Relances (orientation non ouverte, sans décision, sans nouvelles)",
            "mas_case": "Dossiers de la Mission d'Accompagnement en Santé",
        }[self.value]


class DeliveryMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"

    @property
    def label(self) -> str:
        return {"immediate": "Un e-mail à chaque fois", "digest": "Un récapitulatif par jour"}[self.value]


class NotificationPreference(db.Model):
    """A user's choice for one kind of event (no row: an e-mail at once, or the structure's digest)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "notification_event_kind"), primary_key=True)
    mode: Mapped[DeliveryMode] = mapped_column(enum_type(DeliveryMode, "notification_delivery_mode"))


class UserNotification(db.Model):
    """One line of a user's in-app notifications: what changed on an orientation or a MAS case of theirs.

    Written beside the e-mail (same recipients, same transaction, see `inbox.record_for_messages`); the
    title names the volet, the service and the structures, never the person (like the e-mail subject).
    """

    __tablename__ = "user_notifications"
    __table_args__ = (
        sa.Index("ix_user_notifications_user_unread", "user_id", "read_at", "created_at"),
        sa.Index("ix_user_notifications_subject", "subject_type", "subject_id"),
    )
    __personal_data__ = PersonalData(
        subject=("subject_type", "subject_id"),
        not_audited="a user's own reading list, purged once read (rgpd retention)",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "notification_event_kind"), info=keep())
    title: Mapped[str] = mapped_column(sa.String(300), info=keep())
    subject_type: Mapped[SubjectType] = mapped_column(enum_type(SubjectType, "outbox_subject_type"), info=keep())
    subject_id: Mapped[int] = mapped_column(info=keep())
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    read_at: Mapped[datetime | None] = mapped_column(info=export_only())

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
