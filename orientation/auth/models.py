"""User accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import TimestampMixin
from orientation.extensions import db
from orientation.secret_box import decrypt, encrypt

if TYPE_CHECKING:
    from orientation.organisations.models import Membership


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # always lower-case
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    # Bumped on password change and "se déconnecter partout": every session of the user ends.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]
    # Second factor (TOTP, RFC 6238): the base32 secret once enrolment is confirmed, encrypted
    # (orientation/secret_box.py), and the last time step accepted so that a code cannot be replayed.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def has_totp(self) -> bool:
        return self.totp_secret_encrypted is not None

    @property
    def totp_secret(self) -> str | None:
        return decrypt(self.totp_secret_encrypted, "totp") if self.totp_secret_encrypted else None

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        self.totp_secret_encrypted = encrypt(secret, "totp") if secret else None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RecoveryCode(db.Model):
    """A one-time code that replaces the TOTP code when the phone is lost; only its hash is kept."""

    __tablename__ = "user_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))  # SHA-256: the codes are random, 50 bits
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")
