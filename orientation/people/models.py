"""A person's file, their consents and their needs (one need per volet item of the diagnosis)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import TimestampMixin, enum_type, utcnow
from orientation.directory.text import normalise
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.catalogue import DETAILS, NeedCode
from orientation.personal_data import PersonalData, blank, erase, keep

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.organisations.models import Organisation
    from orientation.territory.models import Commune


class ContactPreference(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    NO_DIRECT_CONTACT = "no_direct_contact"

    @property
    def label(self) -> str:
        return {
            "sms": "SMS",
            "email": "E-mail",
            "phone": "Téléphone",
            "post": "Courrier",
            "no_direct_contact": "Ne pas contacter directement (passer par le ou la référent·e)",
        }[self.value]


class MessagesChannel(enum.StrEnum):
    """Whether the person agreed to short messages about their orientations, and on which channel."""

    NONE = "none"
    SMS = "sms"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return {
            "none": "Aucun message",
            "sms": "Par SMS, avec son accord",
            "email": "Par e-mail, avec son accord",
        }[self.value]


class SituationFlag(enum.StrEnum):
    QPV = "qpv"
    OVER_60 = "over_60"
    DISABILITY = "disability"
    RSA = "rsa"
    FRENCH_DIFFICULTY = "french_difficulty"
    NO_EMAIL = "no_email"
    ISOLATED = "isolated"

    @property
    def label(self) -> str:
        return {
            "qpv": "Habite un quartier prioritaire (QPV)",
            "over_60": "Plus de 60 ans",
            "disability": "Situation de handicap",
            "rsa": "Bénéficiaire du RSA",
            "french_difficulty": "Lit difficilement le français",
            "no_email": "Pas d'adresse e-mail",
            "isolated": "Isolement social",
        }[self.value]


class ConsentMethod(enum.StrEnum):
    ORAL = "oral"
    WRITTEN = "written"

    @property
    def label(self) -> str:
        return {"oral": "Oral", "written": "Écrit (signé)"}[self.value]


class NeedStatus(enum.StrEnum):
    OPEN = "open"
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NO_LONGER_NEEDED = "no_longer_needed"

    @property
    def label(self) -> str:
        return {
            "open": "En cours",
            "met": "Besoin satisfait",
            "partly_met": "Partiellement satisfait",
            "not_met": "Non satisfait",
            "no_longer_needed": "Plus d'actualité",
        }[self.value]

    @property
    def is_open(self) -> bool:
        return self is NeedStatus.OPEN


def name_key(first_name: str, last_name: str) -> str:
    """Accent- and case-insensitive key of a name, for the duplicate warning."""

    return f"{normalise(last_name)}|{normalise(first_name)}"[:250]


class Person(TimestampMixin, db.Model):
    """A person accompanied, in the file of one organisation (the one that records them)."""

    __tablename__ = "people"
    __table_args__ = (sa.Index("ix_people_organisation_name_key", "organisation_id", "name_key", "birth_date"),)
    __personal_data__ = PersonalData(person="id")

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    first_name: Mapped[str] = mapped_column(sa.String(100), info=blank("Personne"))
    last_name: Mapped[str] = mapped_column(sa.String(100), info=blank("anonymisée"))
    name_key: Mapped[str] = mapped_column(sa.String(250), info=blank(""))
    birth_date: Mapped[date | None] = mapped_column(info=erase())
    commune_code: Mapped[str | None] = mapped_column(sa.ForeignKey("communes.code_insee"))
    address: Mapped[str | None] = mapped_column(sa.String(300), info=erase())
    phone: Mapped[str | None] = mapped_column(sa.String(20), info=erase())
    email: Mapped[str | None] = mapped_column(sa.String(254), info=erase())
    contact_preference: Mapped[ContactPreference] = mapped_column(
        enum_type(ContactPreference, "contact_preference"),
        default=ContactPreference.PHONE,
        info=blank(ContactPreference.NO_DIRECT_CONTACT.value),
    )
    # The person's agreement to be told by message when an orientation leaves, is accepted (the
    # rendez-vous) or declined: none unless they agreed (referrals.person_messages).
    messages_channel: Mapped[MessagesChannel] = mapped_column(
        enum_type(MessagesChannel, "person_messages_channel"),
        default=MessagesChannel.NONE,
        server_default=MessagesChannel.NONE.value,
        info=blank(MessagesChannel.NONE.value),
    )
    situation: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())  # SituationFlag values
    referent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Set when the file is anonymised (retention or erasure): identity and free texts gone, figures kept.
    anonymised_at: Mapped[datetime | None] = mapped_column(info=keep())

    organisation: Mapped[Organisation] = relationship()
    commune: Mapped[Commune | None] = relationship()
    referent: Mapped[User | None] = relationship(foreign_keys=[referent_id])
    consents: Mapped[list[Consent]] = relationship(back_populates="person", order_by="Consent.collected_at.desc()")
    needs: Mapped[list[Need]] = relationship(back_populates="person", order_by="Need.id")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def situation_flags(self) -> list[SituationFlag]:
        return [SituationFlag(value) for value in self.situation or () if value in SituationFlag._value2member_map_]

    def valid_consent(self, at: datetime | None = None) -> Consent | None:
        return next((consent for consent in self.consents if consent.is_valid(at)), None)

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class Consent(db.Model):
    """The person's agreement to be oriented and to have the named information shared."""

    __tablename__ = "consents"
    __table_args__ = (
        sa.CheckConstraint("withdrawn_at IS NOT NULL OR withdrawn_by_id IS NULL", name="withdrawal_consistent"),
    )
    __personal_data__ = PersonalData(person="person_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    collected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    collected_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    method: Mapped[ConsentMethod] = mapped_column(enum_type(ConsentMethod, "consent_method"), info=keep())
    purpose: Mapped[str] = mapped_column(sa.Text, info=blank(""))
    scope: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())  # Volet values the consent covers
    expires_on: Mapped[date | None] = mapped_column(info=keep())
    withdrawn_at: Mapped[datetime | None] = mapped_column(info=keep())
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_note: Mapped[str | None] = mapped_column(sa.Text, info=erase())

    person: Mapped[Person] = relationship(back_populates="consents")
    collected_by: Mapped[User | None] = relationship(foreign_keys=[collected_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def volets(self) -> list[Volet]:
        return [Volet(value) for value in self.scope or () if value in Volet._value2member_map_]

    def is_expired(self, at: datetime | None = None) -> bool:
        today = (at or utcnow()).date()
        return self.expires_on is not None and self.expires_on < today

    def is_valid(self, at: datetime | None = None) -> bool:
        return self.withdrawn_at is None and not self.is_expired(at)

    def covers(self, volets) -> bool:
        return set(volets) <= set(self.volets)

    def __repr__(self) -> str:
        return f"<Consent {self.id}>"


class Need(TimestampMixin, db.Model):
    """A need in one volet; open until met, across as many orientations as it takes (the parcours)."""

    __tablename__ = "needs"
    __table_args__ = (sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_when_not_open"),)
    __personal_data__ = PersonalData(person="person_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    volet: Mapped[Volet] = mapped_column(enum_type(Volet, "need_volet"), info=keep())
    code: Mapped[NeedCode] = mapped_column(enum_type(NeedCode, "need_code"), info=keep())
    details: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())  # codes of the diagnosis
    note: Mapped[str | None] = mapped_column(sa.Text, info=erase())
    status: Mapped[NeedStatus] = mapped_column(
        enum_type(NeedStatus, "need_status"), default=NeedStatus.OPEN, info=keep()
    )
    closed_at: Mapped[datetime | None] = mapped_column(info=keep())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(back_populates="needs")

    @property
    def label(self) -> str:
        return self.code.label

    @property
    def detail_labels(self) -> list[str]:
        return [DETAILS[self.volet].get(code, code) for code in self.details or ()]

    def __repr__(self) -> str:
        return f"<Need {self.id}>"
