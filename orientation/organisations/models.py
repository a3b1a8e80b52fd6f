"""Organisations (the structures users work for), memberships and invitations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import TimestampMixin, enum_type, utcnow
from orientation.extensions import db

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.territory.models import Commune


class OrganisationType(enum.StrEnum):
    """Kinds of organisation; each maps to a data·inclusion typologie de structure."""

    EDES = "edes"
    CPAM = "cpam"
    MEDIATION_NUMERIQUE = "mediation_numerique"
    FRANCE_SERVICES = "france_services"
    CENTRE_SANTE = "centre_sante"
    MSP = "msp"
    CPTS = "cpts"
    DAC = "dac"
    ATELIER_SANTE_VILLE = "atelier_sante_ville"
    CCAS = "ccas"
    PLATEFORME_MOBILITE = "plateforme_mobilite"
    ASSOCIATION = "association"
    DEPARTEMENT = "departement"
    PREFECTURE = "prefecture"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_TYPE_LABELS[self]

    @property
    def data_inclusion_typologie(self) -> str:
        return DATA_INCLUSION_TYPOLOGIES[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.EDES: "Espace Départemental des Solidarités (EDeS)",
    OrganisationType.CPAM: "Caisse Primaire d'Assurance Maladie (CPAM)",
    OrganisationType.MEDIATION_NUMERIQUE: "Lieu de médiation numérique",
    OrganisationType.FRANCE_SERVICES: "France Services",
    OrganisationType.CENTRE_SANTE: "Centre de santé",
    OrganisationType.MSP: "Maison de santé pluriprofessionnelle (MSP)",
    OrganisationType.CPTS: "Communauté professionnelle territoriale de santé (CPTS)",
    OrganisationType.DAC: "Dispositif d'appui à la coordination (DAC)",
    OrganisationType.ATELIER_SANTE_VILLE: "Atelier Santé Ville",
    OrganisationType.CCAS: "Centre communal d'action sociale (CCAS)",
    OrganisationType.PLATEFORME_MOBILITE: "Plateforme de mobilité",
    OrganisationType.ASSOCIATION: "Association",
    OrganisationType.DEPARTEMENT: "Département (services centraux)",
    OrganisationType.PREFECTURE: "Préfecture",
    OrganisationType.OTHER: "Autre",
}

# data·inclusion v0 "typologies de structures" (reference/fr/data-inclusion-schema/v0/extra).
DATA_INCLUSION_TYPOLOGIES = {
    OrganisationType.EDES: "MDS",
    OrganisationType.CPAM: "CPAM",
    OrganisationType.MEDIATION_NUMERIQUE: "EPN",
    OrganisationType.FRANCE_SERVICES: "RFS",
    OrganisationType.CENTRE_SANTE: "ETABL_PUB",
    OrganisationType.MSP: "ETABL_PRI",
    OrganisationType.CPTS: "ASSO",
    OrganisationType.DAC: "ASSO",
    OrganisationType.ATELIER_SANTE_VILLE: "MUNI",
    OrganisationType.CCAS: "CCAS",
    OrganisationType.PLATEFORME_MOBILITE: "ASSO",
    OrganisationType.ASSOCIATION: "ASSO",
    OrganisationType.DEPARTEMENT: "CD",
    OrganisationType.PREFECTURE: "PREF",
    OrganisationType.OTHER: "Autre",
}


class MembershipRole(enum.StrEnum):
    AGENT = "agent"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        return {"agent": "Agent", "manager": "Responsable de structure"}[self.value]


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "organisation_type"))
    siret: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    commune_code: Mapped[str | None] = mapped_column(sa.ForeignKey("communes.code_insee"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(default=True)
    # One e-mail a day instead of one per event for the members (orientations received, reminders).
    notification_digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    commune: Mapped[Commune | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id}>"


class Membership(TimestampMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "membership_role"))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    @property
    def is_manager(self) -> bool:
        return self.role is MembershipRole.MANAGER


class Invitation(db.Model):
    """A one-time, expiring invitation to join an organisation (the only way in: no sign-up)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "invitation_role"))
    grants_coordinator: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the token
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class JoinRequestStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # the requester has not yet followed the link sent to the address
    PENDING = "pending"  # confirmed, waiting for the coordination
    ACCEPTED = "accepted"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {
            "unconfirmed": "Adresse non confirmée",
            "pending": "À examiner",
            "accepted": "Acceptée",
            "refused": "Refusée",
        }[self.value]


class JoinRequest(db.Model):
    """A directory structure asks for its own space: a new organisation and its first manager.

    Counts only once the requester followed the one-use link sent to the address (its SHA-256 is kept).
    """

    __tablename__ = "join_requests"
    __table_args__ = (sa.Index("ix_join_requests_structure_email", "structure_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(sa.ForeignKey("structures.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    organisation_name: Mapped[str] = mapped_column(sa.String(200))
    organisation_type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "join_request_type"))
    status: Mapped[JoinRequestStatus] = mapped_column(
        enum_type(JoinRequestStatus, "join_request_status"), default=JoinRequestStatus.UNCONFIRMED
    )
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # None once used
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    token_expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].lower()
