"""One row per read of a person's data: the RGPD access log (issue 8 adds exports and retention)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import utcnow
from orientation.extensions import db


class PersonAccessLog(db.Model):
    __tablename__ = "person_access_logs"
    __table_args__ = (
        sa.Index("ix_person_access_logs_person_at", "person_id", "at"),
        sa.Index("ix_person_access_logs_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # No cascade: the log outlives accounts and files (anonymisation keeps the ids).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    person_id: Mapped[int] = mapped_column(sa.Integer)  # no FK: the log survives the file's deletion
    orientation_id: Mapped[int | None] = mapped_column(sa.Integer)
    purpose: Mapped[str] = mapped_column(sa.String(100))  # the page or use ("people.show", "referrals.show")
