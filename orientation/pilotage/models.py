"""Rolled-up steering figures, refreshed by the worker (see refresh.py): no person, only counts.

A "detail" row of `pilotage_orientation_facts` counts the orientations sent in one month, in one
volet, for people of one commune, from one sending structure, to one service (the receivers' measures
leave out the orientations their sender follows, « Contact direct »: they have measures of their own).
The same tables also
hold coarser levels (Level) where some dimensions are summed away (NULL): a query reads the smallest
level that still has every dimension its filters and grouping need, so the whole-département view
reads a few thousand rows, not the detail. Delays are kept as histograms (`pilotage_delay_facts`,
buckets in hours: see `bucket_hours`), so medians and percentiles are computed in the database
over any filter, without reading the orientations. Decline reasons have their
own small table.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import enum_type, utcnow
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.models import SituationFlag


class DelayKind(enum.StrEnum):
    TO_OPENING = "to_opening"
    TO_DECISION = "to_decision"
    TO_FIRST_APPOINTMENT = "to_first_appointment"
    TO_OUTCOME = "to_outcome"

    @property
    def label(self) -> str:
        return {
            "to_opening": "Délai d'ouverture",
            "to_decision": "Délai de décision",
            "to_first_appointment": "Délai jusqu'au premier rendez-vous",
            "to_outcome": "Délai jusqu'au résultat",
        }[self.value]


class Level(enum.StrEnum):
    """Aggregation levels, smallest first; each keeps month, volet and EPCI plus the dimensions listed."""

    TERRITORY = "territory"  # month, volet, EPCI
    PUBLIC = "public"  # + the person's situation flags (fragiles.py); delays: the decision's only
    SENDER = "sender"  # + sending structure
    SERVICE = "service"  # + receiving structure and service
    DETAIL = "detail"  # + commune, and everything together

    @property
    def dimensions(self) -> frozenset[str]:
        return LEVEL_DIMENSIONS[self]


LEVEL_DIMENSIONS = {
    Level.TERRITORY: frozenset(),
    Level.PUBLIC: frozenset({"public"}),
    Level.SENDER: frozenset({"sender"}),
    Level.SERVICE: frozenset({"receiver", "service"}),
    Level.DETAIL: frozenset({"sender", "receiver", "service", "commune", "public"}),
}
LEVEL_COLUMNS = {
    "sender": ("sender_organisation_id",),
    "receiver": ("receiver_organisation_id",),
    "service": ("service_id",),
    "commune": ("commune_code",),
    "public": ("public",),
}


# The situation flags the figures can be broken down by (« publics fragiles »), and their bit in `public`.
PUBLIC_FLAGS = (
    SituationFlag.QPV,
    SituationFlag.OVER_60,
    SituationFlag.DISABILITY,
    SituationFlag.RSA,
    SituationFlag.ISOLATED,
    SituationFlag.NO_EMAIL,
)
PUBLIC_BITS = {flag: 1 << number for number, flag in enumerate(PUBLIC_FLAGS)}


class _Grain:
    """The dimensions every filter of the dashboard works on (NULL where the level sums them away)."""

    level: Mapped[Level] = mapped_column(enum_type(Level, "pilotage_level"))
    month: Mapped[str] = mapped_column(sa.String(7))  # "YYYY-MM" of sent_at (UTC)
    volet: Mapped[Volet] = mapped_column(enum_type(Volet, "pilotage_volet"))
    commune_code: Mapped[str | None] = mapped_column(sa.String(5))  # the person's commune (no FK: a snapshot)
    epci_siren: Mapped[str | None] = mapped_column(sa.String(9))
    sender_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    receiver_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"))
    # The person's situation flags, one bit each (fragiles.PUBLIC_BITS): only at the levels that keep them.
    public: Mapped[int | None] = mapped_column(sa.SmallInteger)


MEASURES = (
    "sent",
    "opened",
    "accepted",
    "declined",
    "redirected",
    "expired",
    "cancelled",
    "abandoned",
    "completed",
    "completed_met",
    "completed_partly_met",
    "completed_not_met",
    "obtained_yes",
    "obtained_partly",
    "obtained_no",
    "obtained_unknown",
    "sender_followed",
    "sender_followed_received",
    "sender_followed_not_received",
    "sender_followed_completed",
    "sender_followed_met",
)


class OrientationFact(_Grain, db.Model):
    __tablename__ = "pilotage_orientation_facts"
    __table_args__ = (
        sa.Index("ix_pilotage_orientation_facts_level_month", "level", "month"),
        sa.Index("ix_pilotage_orientation_facts_level_receiver", "level", "receiver_organisation_id", "month"),
        sa.Index("ix_pilotage_orientation_facts_level_sender", "level", "sender_organisation_id", "month"),
        sa.Index("ix_pilotage_orientation_facts_level_epci", "level", "epci_siren", "month"),
        sa.Index("ix_pilotage_orientation_facts_level_service", "level", "service_id", "month"),
        sa.Index("ix_pilotage_orientation_facts_level_commune", "level", "commune_code", "month"),
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
    # Followed by their sender (« Contact direct »): counted in `sent`, and only here (not in the
    # receivers' measures above, nor in the delays and decline reasons).
    sender_followed: Mapped[int] = mapped_column(default=0, server_default="0")
    sender_followed_received: Mapped[int] = mapped_column(default=0, server_default="0")  # the person was received
    sender_followed_not_received: Mapped[int] = mapped_column(default=0, server_default="0")  # declined, redirected
    sender_followed_completed: Mapped[int] = mapped_column(default=0, server_default="0")
    sender_followed_met: Mapped[int] = mapped_column(default=0, server_default="0")  # completed, need met


class DeclineFact(_Grain, db.Model):
    __tablename__ = "pilotage_decline_facts"
    __table_args__ = (
        sa.Index("ix_pilotage_decline_facts_level_month", "level", "month"),
        sa.Index("ix_pilotage_decline_facts_level_sender", "level", "sender_organisation_id", "month"),
        sa.Index("ix_pilotage_decline_facts_level_receiver", "level", "receiver_organisation_id", "month"),
        sa.Index("ix_pilotage_decline_facts_level_commune", "level", "commune_code", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(40))
    count: Mapped[int]


class DelayFact(_Grain, db.Model):
    __tablename__ = "pilotage_delay_facts"
    __table_args__ = (
        sa.Index("ix_pilotage_delay_facts_level_kind_month", "level", "kind", "month"),
        sa.Index("ix_pilotage_delay_facts_level_service", "level", "service_id", "kind", "month"),
        sa.Index("ix_pilotage_delay_facts_level_receiver", "level", "receiver_organisation_id", "kind", "month"),
        sa.Index("ix_pilotage_delay_facts_level_sender", "level", "sender_organisation_id", "kind", "month"),
        sa.Index("ix_pilotage_delay_facts_level_epci", "level", "epci_siren", "kind", "month"),
        sa.Index("ix_pilotage_delay_facts_level_commune", "level", "commune_code", "kind", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DelayKind] = mapped_column(enum_type(DelayKind, "pilotage_delay_kind"))
    hours: Mapped[int]  # the bucket's lower bound, in hours from sending (see refresh.bucket_hours)
    count: Mapped[int]


class Refresh(db.Model):
    """One refresh of the rolled-up tables: the figures are "à jour au" the last one's start."""

    __tablename__ = "pilotage_refreshes"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    months: Mapped[int] = mapped_column(default=0)  # how many months were recomputed
    full: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class DirectorySearch(db.Model):
    """One directory search: what was looked for and how many services answered (kept 13 months).

    Neither who searched nor for whom, and not the words typed (they could name a person): only the
    criteria picked from lists, to show what agents look for and do not find.
    """

    __tablename__ = "pilotage_directory_searches"
    __table_args__ = (sa.Index("ix_pilotage_directory_searches_searched_on", "searched_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    searched_on: Mapped[date]  # the day only
    volet: Mapped[Volet | None] = mapped_column(enum_type(Volet, "pilotage_search_volet"))
    thematique: Mapped[str | None] = mapped_column(sa.String(120))
    commune_code: Mapped[str | None] = mapped_column(sa.String(5))
    label: Mapped[str | None] = mapped_column(sa.String(80))
    filters: Mapped[dict] = mapped_column(JSONB, default=dict)  # public, frais, reach, open now, distance
    with_text: Mapped[bool] = mapped_column(default=False)
    results: Mapped[int]


class OfferSnapshot(db.Model):
    """The offer as last computed by the worker (offer.py): per EPCI and volet, and each commune's distance
    to the nearest service of each volet. Reading 100,000 services and searching the nearest for every
    commune takes seconds; the pages read this, recomputed every 10 minutes (only the latest is kept)."""

    __tablename__ = "pilotage_offer_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict] = mapped_column(JSONB)
