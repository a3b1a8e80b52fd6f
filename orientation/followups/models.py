"""The one record of follow-ups that have fired: inserting a row claims it, exactly once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import utcnow
from orientation.extensions import db


class SentFollowUp(db.Model):
    """A rule has fired for one subject at one occurrence (the value of the timestamp it counts from).

    No foreign key: subjects are of several kinds (orientations, appointments, MAS cases, services);
    the row says only that a rule fired, nothing about a person.
    """

    __tablename__ = "follow_ups_sent"

    rule: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    subject_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    occurrence: Mapped[datetime] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
