"""Write use cases of attachments: flush, never commit (the view or the task commits)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from orientation import clock
from orientation.attachments import storage
from orientation.attachments.models import REMOVED_NAME, OrientationAttachment
from orientation.extensions import db


def add_attachment(orientation, *, user, organisation_id: int, filename: str, data: bytes) -> OrientationAttachment:
    content_type = storage.checked(filename, data)
    key = storage.save(data)
    attachment = OrientationAttachment(
        orientation_id=orientation.id,
        organisation_id=organisation_id,
        uploaded_by_id=user.id,
        filename=(filename.replace("/", "_").replace("\\", "_").strip() or "document")[:200],
        content_type=content_type,
        size=len(data),
        storage_key=key,
        created_at=clock.now(),
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def closed_orientation_attachments(closed_before: datetime) -> sa.Select:
    """Ids of the files still stored for orientations closed before `closed_before`."""
    orientations = db.metadata.tables["orientations"]
    return (
        sa.select(OrientationAttachment.id)
        .join(orientations, orientations.c.id == OrientationAttachment.orientation_id)
        .where(
            OrientationAttachment.deleted_at.is_(None),
            orientations.c.closed_at.is_not(None),
            orientations.c.closed_at < closed_before,
        )
        .order_by(OrientationAttachment.id)
    )


def person_attachments(person_ids) -> sa.Select:
    orientations = db.metadata.tables["orientations"]
    return (
        sa.select(OrientationAttachment.id)
        .join(orientations, orientations.c.id == OrientationAttachment.orientation_id)
        .where(OrientationAttachment.deleted_at.is_(None), orientations.c.person_id.in_(person_ids))
    )


def delete_files(attachment_ids: list[int]) -> int:
    """Delete the bytes and the file names (the row stays: a document existed, with its date and size)."""
    if not attachment_ids:
        return 0
    rows = db.session.execute(
        sa.select(OrientationAttachment.id, OrientationAttachment.storage_key).where(
            OrientationAttachment.id.in_(attachment_ids), OrientationAttachment.deleted_at.is_(None)
        )
    ).all()
    db.session.execute(
        sa.update(OrientationAttachment)
        .where(OrientationAttachment.id.in_([r.id for r in rows]))
        .values(deleted_at=clock.now(), filename=REMOVED_NAME)
        .execution_options(synchronize_session=False)
    )
    # Removed before the commit: should the transaction fail, a rerun marks them again (a missing file is fine).
    for row in rows:
        storage.remove(row.storage_key)
    return len(rows)
