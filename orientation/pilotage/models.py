"""Rolled-up steering figures, refreshed by the worker (see refresh.py): no person, only counts.

One row of `pilotage_orientation_facts` counts the orientations sent in one month, in one volet,
for people of one commune, from one sending structure, to one service. Delays are kept as
histograms in whole hours (`pilotage_delay_facts`), so medians and percentiles are computed the
same way on PostgreSQL and SQLite, over any filter, without reading the orientations. Decline
reasons have their own small table.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import enum_type, utcnow
from orientation.directory.thematiques import Volet
from orientation.extensions import db


class DelayKind(enum.StrEnum):
    TO_OPENING = "to_opening"
    TO_DECISION = "to_decision"
    TO_FIRST_APPOINTMENT = "to_first_appointment"
    TO_OUTCOME = "to_outcome"

    @property
    def label(self) -> str:
        return {"to_opening": "Délai d'ouverture", "to_decision": "Délai de décision",
                "to_first_appointment": "Délai jusqu'au premier rendez-vous",
                "to_outcome": "Délai jusqu'au résultat"}[self.value]


class _Grain:
    """The dimensions every filter of the dashboard works on."""

    month: Mapped[str] = mapped_column(sa.String(7))  # "YYYY-MM" of sent_at (UTC)
    volet: Mapped[Volet] = mapped_column(enum_type(Volet, "pilotage_volet"))
    commune_code: Mapped[str | None] = mapped_column(sa.String(5))  # the person's commune (no FK: a snapshot)
    epci_siren: Mapped[str | None] = mapped_column(sa.String(9))
    sender_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    receiver_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"))


MEASURES = ("sent", "opened", "accepted", "declined", "redirected", "expired", "cancelled", "abandoned",
            "completed", "completed_met", "completed_partly_met", "completed_not_met", "obtained_yes",
            "obtained_partly", "obtained_no", "obtained_unknown")


class OrientationFact(_Grain, db.Model):
    __tablename__ = "pilotage_orientation_facts"
    __table_args__ = (
        sa.Index("ix_pilotage_orientation_facts_month", "month"),
        sa.Index("ix_pilotage_orientation_facts_receiver_month", "receiver_organisation_id", "month"),
        sa.Index("ix_pilotage_orientation_facts_sender_month", "sender_organisation_id", "month"),
        sa.Index("ix_pilotage_orientation_facts_epci_month", "epci_siren", "month"),
        sa.Index("ix_pilotage_orientation_facts_service_month", "service_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sent: Mapped[int] = mapped_column(default=0)
    opened: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)  # accepted at some point (also in progress, completed…)
    declined: Mapped[int] = mapped_column(default=0)
    redirected: Mapped[int] = mapped_column(default=0)
    expired: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    completed_met: Mapped[int] = mapped_column(default=0)
    completed_partly_met: Mapped[int] = mapped_column(default=0)
    completed_not_met: Mapped[int] = mapped_column(default=0)
    obtained_yes: Mapped[int] = mapped_column(default=0)
    obtained_partly: Mapped[int] = mapped_column(default=0)
    obtained_no: Mapped[int] = mapped_column(default=0)
    obtained_unknown: Mapped[int] = mapped_column(default=0)


class DeclineFact(_Grain, db.Model):
    __tablename__ = "pilotage_decline_facts"
    __table_args__ = (sa.Index("ix_pilotage_decline_facts_month", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(40))
    count: Mapped[int]


class DelayFact(_Grain, db.Model):
    __tablename__ = "pilotage_delay_facts"
    __table_args__ = (sa.Index("ix_pilotage_delay_facts_kind_month", "kind", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DelayKind] = mapped_column(enum_type(DelayKind, "pilotage_delay_kind"))
    hours: Mapped[int]  # whole hours from sending (floor)
    count: Mapped[int]


class Refresh(db.Model):
    """One refresh of the rolled-up tables: the figures are "à jour au" the last one's start."""

    __tablename__ = "pilotage_refreshes"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    months: Mapped[int] = mapped_column(default=0)  # how many months were recomputed
    full: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
