"""One file attached to an orientation; the bytes live under instance/attachments/, not in the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import utcnow
from orientation.extensions import db
from orientation.personal_data import PersonalData, blank, keep

REMOVED_NAME = "Document supprimé"  # the name of a document once its file is deleted


class OrientationAttachment(db.Model):
    __tablename__ = "orientation_attachments"
    __table_args__ = (sa.Index("ix_orientation_attachments_orientation_created", "orientation_id", "created_at"),)
    __personal_data__ = PersonalData(parent="orientation_id")  # anonymisation also deletes the files

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # As given (shown, never used as a path).
    filename: Mapped[str] = mapped_column(sa.String(200), info=blank(REMOVED_NAME))
    content_type: Mapped[str] = mapped_column(sa.String(100), info=keep())
    size: Mapped[int] = mapped_column(info=keep())
    # Random: the file's name on disk.
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True, info=keep())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    # The bytes are gone (retention or anonymisation); the row stays.
    deleted_at: Mapped[datetime | None] = mapped_column(info=keep())

    uploaded_by = relationship("User")
    organisation = relationship("Organisation")

    @property
    def is_available(self) -> bool:
        return self.deleted_at is None
