"""API tokens and webhook endpoints, both owned by one organisation and managed by its managers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import utcnow
from orientation.extensions import db
from orientation.secret_box import decrypt, encrypt

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.organisations.models import Organisation


class Scope(enum.StrEnum):
    READ_DIRECTORY = "read-directory"
    ORIENTATIONS = "orientations"

    @property
    def label(self) -> str:
        return {
            "read-directory": "Lecture de l'annuaire",
            "orientations": "Orientations de la structure (lecture, création, réponses)",
        }[self.value]


class ApiToken(db.Model):
    """A secret given once to a partner's system; only its SHA-256 is kept.

    The token acts for its organisation through the manager who created it (the events and the
    access log name that person); it stops working when revoked, or when its creator leaves the
    organisation or loses the manager role.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))  # shown in the list, to recognise a token
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)  # Scope values
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_set(self) -> set[Scope]:
        return {Scope(value) for value in self.scopes or () if value in Scope._value2member_map_}

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id}>"


class WebhookEndpoint(db.Model):
    """Where an organisation's system is told of changes to its orientations (HMAC-signed POSTs).

    Signing needs the secret itself, so it is stored encrypted (orientation/secret_box.py), not
    hashed; it is shown once, like a token.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(300))
    secret_encrypted: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()

    @property
    def secret(self) -> str | None:
        """None when the key changed since the endpoint was made: its calls then fail, visibly."""
        return decrypt(self.secret_encrypted, "webhook")

    @secret.setter
    def secret(self, secret: str) -> None:
        self.secret_encrypted = encrypt(secret, "webhook")

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id}>"
