"""One file attached to an orientation; the bytes live under instance/attachments/, not in the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import utcnow
from orientation.extensions import db


class OrientationAttachment(db.Model):
    __tablename__ = "orientation_attachments"
    __table_args__ = (sa.Index("ix_orientation_attachments_orientation_created", "orientation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(200))  # as given (shown, never used as a path)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random: the file's name on disk
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]  # the bytes are gone (retention or anonymisation); the row stays

    uploaded_by = relationship("User")
    organisation = relationship("Organisation")

    @property
    def is_available(self) -> bool:
        return self.deleted_at is None
