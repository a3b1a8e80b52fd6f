"""The rolled-up outcomes per volet (see outcomes.py): no person, only counts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import enum_type
from orientation.directory.thematiques import Volet
from orientation.extensions import db

COMPLETED = "completed"  # the `kind` of the line counting every completed orientation
ALL = "all"  # its `code`


class OutcomeFact(db.Model):
    __tablename__ = "pilotage_outcome_facts"
    __table_args__ = (sa.Index("ix_pilotage_outcome_facts_volet_month", "volet", "month", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7))  # "YYYY-MM" of sent_at (UTC)
    volet: Mapped[Volet] = mapped_column(enum_type(Volet, "pilotage_outcome_volet"))
    epci_siren: Mapped[str | None] = mapped_column(sa.String(9))
    kind: Mapped[str] = mapped_column(sa.String(20))  # a DetailKind, or COMPLETED
    code: Mapped[str] = mapped_column(sa.String(40))  # an answer's code, or ALL
    orientations: Mapped[int]
    people: Mapped[int]  # distinct people (in this month and EPCI)
