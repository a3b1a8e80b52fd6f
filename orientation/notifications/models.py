"""The outbox: every message (e-mail, SMS or webhook call) is a row written in the transaction that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import enum_type, utcnow
from orientation.extensions import db


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


JSON_TYPE = JSONB()


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

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "outbox_channel"))
    recipient: Mapped[str] = mapped_column(sa.String(320))
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    template: Mapped[str] = mapped_column(sa.String(100))
    context: Mapped[dict] = mapped_column(JSON_TYPE, default=dict)
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    status: Mapped[MessageStatus] = mapped_column(
        enum_type(MessageStatus, "outbox_status"), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]  # last time a delivery task was sent to the broker
    claimed_at: Mapped[datetime | None]  # when a worker took it (status sending)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What was sent (filled at delivery); wiped with the context when it carried a credential.
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body: Mapped[str | None] = mapped_column(sa.Text)
    contains_credentials: Mapped[bool] = mapped_column(default=False)
    # What the message is about, so other areas can find or cancel their messages.
    subject_type: Mapped[str | None] = mapped_column(sa.String(50))
    subject_id: Mapped[int | None]
    # Daily digest: held messages of one digest_key are grouped into one e-mail.
    digest_key: Mapped[str | None] = mapped_column(sa.String(100))
    deliver_as_digest: Mapped[bool] = mapped_column(default=False)
    digest_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    def __repr__(self) -> str:  # ids only: never the recipient in logs
        return f"<OutboxMessage {self.id} {self.channel} {self.template} {self.status}>"
