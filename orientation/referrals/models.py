"""Orientations, their immutable events, comments and appointments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation import clock
from orientation.db import enum_type, utcnow
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.notifications.models import SubjectType
from orientation.personal_data import PersonalData, blank, erase, export_only, keep
from orientation.referrals.lifecycle import (
    CLOSED_STATUSES,
    ONGOING_STATUSES,
    UNDECIDED_STATUSES,
    OrientationStatus,
    Outcome,
    Reason,
    Side,
)

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.directory.models import Service
    from orientation.organisations.models import Organisation
    from orientation.people.models import Consent, Need, Person


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    SOON = "soon"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {"normal": "Normale", "soon": "Sous quinze jours", "urgent": "Urgente (sous 48 h)"}[self.value]


class Reception(enum.StrEnum):
    """Who works the orientation on the receiving side (copied from the service's reach when sent)."""

    MEMBERS = "members"  # the receiving organisation's members, in their inbox
    LINK = "link"  # a contact address without an account, through personal links (referrals.links)
    SENDER = "sender"  # nobody: a « Contact direct » service; the sender follows it and records the outcome

    @property
    def label(self) -> str:
        return {
            "members": "Suivie par la structure destinataire",
            "link": "Suivie par e-mail (structure sans compte)",
            "sender": "Suivie par la structure qui oriente (contact direct)",
        }[self.value]

    def action_label(self, to_status, action: str) -> str | None:
        """How a page names the move to `to_status` (`action`: the lifecycle's name); None: not offered.

        The sender who follows a « Contact direct » orientation records what happened to the person
        rather than deciding: no acknowledgement step, and the decisions read as facts.
        """
        if self is not Reception.SENDER:
            return action
        return SENDER_FOLLOWED_ACTIONS.get(OrientationStatus(to_status), action)


class SharedField(enum.StrEnum):
    """What the sender may share with the receiver (the person's name is always shared)."""

    BIRTH_DATE = "birth_date"
    COMMUNE = "commune"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    CONTACT_PREFERENCE = "contact_preference"
    SITUATION = "situation"
    NEED_DETAILS = "need_details"
    REFERENT = "referent"

    @property
    def label(self) -> str:
        return {
            "birth_date": "Date de naissance",
            "commune": "Commune de résidence",
            "address": "Adresse",
            "phone": "Téléphone",
            "email": "Adresse e-mail",
            "contact_preference": "Moyen de contact préféré",
            "situation": "Situation (QPV, RSA, handicap…)",
            "need_details": "Détail du diagnostic et notes sur les besoins",
            "referent": "Référent·e de la personne",
        }[self.value]


class ServiceObtained(enum.StrEnum):
    """The sender's answer, 30 days after completion: did the person really obtain the service?"""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "yes": "Oui, le service a été obtenu",
            "partly": "En partie",
            "no": "Non, pas obtenu",
            "unknown": "Je ne sais pas",
        }[self.value]


class AppointmentChannel(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"

    @property
    def label(self) -> str:
        return {"in_person": "Sur place", "phone": "Par téléphone", "video": "En visio"}[self.value]


class AppointmentStatus(enum.StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"planned": "Prévu", "done": "Honoré", "missed": "Non honoré", "cancelled": "Annulé"}[self.value]


orientation_needs = sa.Table(
    "orientation_needs",
    db.metadata,
    sa.Column("orientation_id", sa.ForeignKey("orientations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("need_id", sa.ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True, index=True),
    info={
        "personal_data": PersonalData(
            parent="orientation_id", not_audited="link table, written with its orientation (whose creation is logged)"
        )
    },
)


SENDER_FOLLOWED_ACTIONS = {
    OrientationStatus.RECEIVED: None,  # nothing to acknowledge: the person is received, or not
    OrientationStatus.ACCEPTED: "La personne a été reçue",
    OrientationStatus.DECLINED: "La personne n'a pas été reçue / refus",
    OrientationStatus.REDIRECTED: "Le service l'a réorientée ailleurs",
    OrientationStatus.IN_PROGRESS: "L'accompagnement a commencé",
}


def _sql_list(statuses) -> str:
    return ", ".join(f"'{status.value}'" for status in sorted(statuses))


_closed, _ongoing, _undecided = (_sql_list(CLOSED_STATUSES), _sql_list(ONGOING_STATUSES), _sql_list(UNDECIDED_STATUSES))


class Orientation(db.Model):
    __tablename__ = "orientations"
    __table_args__ = (
        sa.CheckConstraint("(status = 'completed') = (outcome IS NOT NULL)", name="outcome_iff_completed"),
        sa.CheckConstraint(f"(status IN ({_closed})) = (closed_at IS NOT NULL)", name="closed_at_iff_closed"),
        sa.CheckConstraint("status = 'draft' OR status = 'cancelled' OR sent_at IS NOT NULL", name="sent_at_set"),
        sa.CheckConstraint("version > 0", name="version_positive"),
        sa.CheckConstraint(
            "reception <> 'members' OR receiver_organisation_id IS NOT NULL", name="members_have_organisation"
        ),
        sa.CheckConstraint("reception <> 'link' OR receiver_email IS NOT NULL", name="link_has_email"),
        sa.CheckConstraint(
            "reception <> 'sender' OR receiver_organisation_id IS NULL", name="sender_followed_has_no_receiver"
        ),
        # Inbox and sent lists: one organisation's orientations by status in activity order (counts per
        # status are index-only scans); the multi-status tabs have partial indexes in their order.
        sa.Index(
            "ix_orientations_receiver_status_activity", "receiver_organisation_id", "status", "last_activity_at", "id"
        ),
        sa.Index(
            "ix_orientations_sender_status_activity", "sender_organisation_id", "status", "last_activity_at", "id"
        ),
        sa.Index(
            "ix_orientations_receiver_closed_activity",
            "receiver_organisation_id",
            "last_activity_at",
            "id",
            postgresql_where=sa.text(f"status IN ({_closed})"),
        ),
        sa.Index(
            "ix_orientations_receiver_ongoing_activity",
            "receiver_organisation_id",
            "last_activity_at",
            "id",
            postgresql_where=sa.text(f"status IN ({_ongoing})"),
        ),
        sa.Index(
            "ix_orientations_receiver_undecided_due",
            "receiver_organisation_id",
            "decision_due_at",
            postgresql_where=sa.text(f"status IN ({_undecided})"),
        ),
        sa.Index("ix_orientations_sender_activity", "sender_organisation_id", "last_activity_at", "id"),
        sa.Index("ix_orientations_person_created", "person_id", "created_at"),
        # The worker's polls (reminders, expiry): due rows by status.
        sa.Index("ix_orientations_status_sent_at", "status", "sent_at"),
        sa.Index("ix_orientations_status_received_at", "status", "received_at"),
        sa.Index("ix_orientations_status_expires_at", "status", "expires_at"),
        sa.Index("ix_orientations_status_activity", "status", "last_activity_at"),
    )
    __personal_data__ = PersonalData(
        person="person_id",
        outbox_subjects=(SubjectType.ORIENTATION, SubjectType.ORIENTATION_REMINDER),
        in_figures=lambda table: table.c.status != OrientationStatus.DRAFT.value,  # a draft was never counted
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    sender_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    sender_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="RESTRICT"), index=True)
    # Copied from the service when created: who receives it stays fixed even if the directory changes
    # (until a structure reached by link joins: its pending orientations then move to its members).
    reception: Mapped[Reception] = mapped_column(
        enum_type(Reception, "orientation_reception"),
        default=Reception.MEMBERS,
        server_default=Reception.MEMBERS.value,
        info=keep(),
    )
    receiver_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    # The contact address of a structure without an account (reception "link"): a professional's.
    receiver_email: Mapped[str | None] = mapped_column(sa.String(254), info=keep())
    consent_id: Mapped[int] = mapped_column(sa.ForeignKey("consents.id", ondelete="RESTRICT"), index=True)
    volet: Mapped[Volet] = mapped_column(enum_type(Volet, "orientation_volet"), info=keep())
    # Written only by referrals.lifecycle.
    status: Mapped[OrientationStatus] = mapped_column(enum_type(OrientationStatus, "orientation_status"), info=keep())
    version: Mapped[int] = mapped_column(default=1, info=export_only())
    urgency: Mapped[Urgency] = mapped_column(
        enum_type(Urgency, "orientation_urgency"), default=Urgency.NORMAL, info=keep()
    )
    message: Mapped[str] = mapped_column(sa.Text, default="", info=blank(""))
    shared_fields: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())  # SharedField values
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome, "orientation_outcome"), info=keep())
    redirected_to_service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id", ondelete="SET NULL"))

    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    sent_at: Mapped[datetime | None] = mapped_column(info=keep())
    received_at: Mapped[datetime | None] = mapped_column(info=keep())
    decided_at: Mapped[datetime | None] = mapped_column(info=keep())
    closed_at: Mapped[datetime | None] = mapped_column(info=keep())
    # An undecided orientation expires then (the worker polls it).
    expires_at: Mapped[datetime | None] = mapped_column(info=keep())
    # Past it, an undecided orientation is overdue in the inbox.
    decision_due_at: Mapped[datetime | None] = mapped_column(info=keep())
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, info=export_only())
    # Asked by the worker 30 days after completion; counts in the steering figures.
    service_obtained: Mapped[ServiceObtained | None] = mapped_column(
        enum_type(ServiceObtained, "orientation_service_obtained"), info=keep()
    )
    service_obtained_at: Mapped[datetime | None] = mapped_column(info=keep())
    service_obtained_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship()
    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    redirected_to_service: Mapped[Service | None] = relationship(foreign_keys=[redirected_to_service_id])
    sender_organisation: Mapped[Organisation] = relationship(foreign_keys=[sender_organisation_id])
    receiver_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[receiver_organisation_id])
    sender_user: Mapped[User | None] = relationship(foreign_keys=[sender_user_id])
    consent: Mapped[Consent] = relationship()
    needs: Mapped[list[Need]] = relationship(secondary=orientation_needs, order_by="Need.id")
    events: Mapped[list[OrientationEvent]] = relationship(
        order_by="(OrientationEvent.at, OrientationEvent.id)", viewonly=True
    )
    comments: Mapped[list[OrientationComment]] = relationship(order_by="OrientationComment.id", viewonly=True)
    appointments: Mapped[list[Appointment]] = relationship(order_by="Appointment.starts_at", viewonly=True)

    @property
    def shared(self) -> set[SharedField]:
        return {SharedField(value) for value in self.shared_fields or () if value in SharedField._value2member_map_}

    @property
    def receiver_title(self) -> str:
        """The receiving structure's name: its organisation's, else the directory structure's."""
        if self.reception is Reception.MEMBERS and self.receiver_organisation is not None:
            return self.receiver_organisation.name
        return self.service.structure.name

    @property
    def receiver_name(self) -> str:
        """Who receives it, as the agents' pages name them (how, when not through an account)."""
        if self.reception is Reception.LINK:
            return f"{self.receiver_title} (par e-mail : {self.receiver_email})"
        if self.reception is Reception.SENDER:
            return f"{self.receiver_title} (contact direct)"
        return self.receiver_title

    @property
    def receiver_phone(self) -> str | None:
        """The number the person calls to warn of an absence."""
        if self.reception is Reception.MEMBERS and self.receiver_organisation and self.receiver_organisation.phone:
            return self.receiver_organisation.phone
        return self.service.telephone or self.service.structure.telephone

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (OrientationStatus.SENT, OrientationStatus.RECEIVED)
            and self.decision_due_at is not None
            and self.decision_due_at < utcnow()
        )

    def __repr__(self) -> str:
        return f"<Orientation {self.id}>"


class OrientationEvent(db.Model):
    """One change of status: immutable (who, when, from, to, reason, note, outcome)."""

    __tablename__ = "orientation_events"
    __table_args__ = (sa.Index("ix_orientation_events_orientation_at", "orientation_id", "at"),)
    __personal_data__ = PersonalData(parent="orientation_id")

    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    # A receiver without an account acts through a link: the event names the address that acted.
    actor_email: Mapped[str | None] = mapped_column(sa.String(254), info=keep())
    side: Mapped[Side] = mapped_column(enum_type(Side, "event_side"), info=keep())
    from_status: Mapped[OrientationStatus | None] = mapped_column(
        enum_type(OrientationStatus, "event_from_status"), info=keep()
    )
    to_status: Mapped[OrientationStatus] = mapped_column(enum_type(OrientationStatus, "event_to_status"), info=keep())
    reason: Mapped[Reason | None] = mapped_column(enum_type(Reason, "event_reason"), info=keep())
    note: Mapped[str | None] = mapped_column(sa.Text, info=erase())
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome, "event_outcome"), info=keep())
    version: Mapped[int] = mapped_column(info=export_only())  # the orientation's version after this change

    actor: Mapped[User | None] = relationship()
    actor_organisation: Mapped[Organisation | None] = relationship()


@event.listens_for(OrientationEvent, "before_update")
@event.listens_for(OrientationEvent, "before_delete")
def _events_are_immutable(_mapper, _connection, target):
    raise RuntimeError(f"orientation events are immutable (event {target.id})")


class OrientationComment(db.Model):
    """The sender ↔ receiver thread of one orientation."""

    __tablename__ = "orientation_comments"
    __table_args__ = (sa.Index("ix_orientation_comments_orientation_created", "orientation_id", "created_at"),)
    __personal_data__ = PersonalData(parent="orientation_id", erase_rows=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_email: Mapped[str | None] = mapped_column(sa.String(254), info=keep())  # a receiver by link
    # None: a receiver by link (no organisation yet)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    side: Mapped[Side] = mapped_column(enum_type(Side, "comment_side"), info=keep())
    body: Mapped[str] = mapped_column(sa.Text, info=erase())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())

    author: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Appointment(db.Model):
    """A rendez-vous fixed by the receiving structure; the person is reminded only if they agreed."""

    __tablename__ = "appointments"
    __table_args__ = (
        sa.CheckConstraint("version > 0", name="version_positive"),
        sa.Index("ix_appointments_orientation_starts", "orientation_id", "starts_at"),
        sa.Index("ix_appointments_status_starts", "status", "starts_at"),  # reminders: planned ones due
    )
    __personal_data__ = PersonalData(parent="orientation_id", outbox_subjects=(SubjectType.APPOINTMENT,))

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(info=keep())
    place: Mapped[str] = mapped_column(sa.String(300), default="", info=blank(""))
    channel: Mapped[AppointmentChannel] = mapped_column(
        enum_type(AppointmentChannel, "appointment_channel"), info=keep()
    )
    reminder_agreed: Mapped[bool] = mapped_column(default=False, info=keep())
    # Written only by referrals.appointment_lifecycle (after the first, PLANNED).
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_type(AppointmentStatus, "appointment_status"), default=AppointmentStatus.PLANNED, info=keep()
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1", info=export_only())
    note: Mapped[str | None] = mapped_column(sa.Text, info=erase())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_email: Mapped[str | None] = mapped_column(sa.String(254), info=keep())  # a receiver by link
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    # Who said it was honoured, missed or cancelled, and when.
    status_changed_at: Mapped[datetime | None] = mapped_column(info=keep())
    status_changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    orientation: Mapped[Orientation] = relationship(viewonly=True)
    status_changed_by: Mapped[User | None] = relationship(foreign_keys=[status_changed_by_id])

    @property
    def has_started(self) -> bool:
        return self.starts_at <= clock.now()


class AppointmentEvent(db.Model):
    """One change of an appointment's status: immutable (who, when, from, to)."""

    __tablename__ = "appointment_events"
    __table_args__ = (sa.Index("ix_appointment_events_appointment_at", "appointment_id", "at"),)
    __personal_data__ = PersonalData(parent="orientation_id")

    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointments.id", ondelete="CASCADE"))
    # Copied from the appointment: the person's file reaches the event through its orientation.
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str | None] = mapped_column(sa.String(254), info=keep())  # a receiver by link
    from_status: Mapped[AppointmentStatus] = mapped_column(
        enum_type(AppointmentStatus, "appointment_event_from_status"), info=keep()
    )
    to_status: Mapped[AppointmentStatus] = mapped_column(
        enum_type(AppointmentStatus, "appointment_event_to_status"), info=keep()
    )
    version: Mapped[int] = mapped_column(info=export_only())  # the appointment's version after this change


@event.listens_for(AppointmentEvent, "before_update")
@event.listens_for(AppointmentEvent, "before_delete")
def _appointment_events_are_immutable(_mapper, _connection, target):
    raise RuntimeError(f"appointment events are immutable (event {target.id})")


class ServiceFollowUpSetting(db.Model):
    """A service's own value for one follow-up delay (declared in referrals.followups); none: the setting.

    Owned by the referrals area (the delays are about orientations); the directory's service form
    edits them through orientation.followups.overrides.
    """

    __tablename__ = "service_follow_up_settings"
    __table_args__ = (sa.CheckConstraint("days > 0", name="days_positive"),)

    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    delay: Mapped[str] = mapped_column(sa.String(80), primary_key=True)  # a followups Delay's name
    days: Mapped[int]


class SentListVisit(db.Model):
    """When a user last looked at their structure's sent orientations: the home counts what moved since."""

    __tablename__ = "sent_list_visits"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]


class ReceiverLink(db.Model):
    """A personal link to one orientation for a receiver without an account (see referrals.links).

    The token is given once, in the e-mail (an outbox message that carries credentials, wiped once
    sent); only its SHA-256 is stored. Before any personal data the holder proves they read the same
    mailbox with a one-time code (also stored hashed, single-use, a few tries).
    """

    __tablename__ = "receiver_links"
    __table_args__ = (sa.Index("ix_receiver_links_email", "email"),)
    __personal_data__ = PersonalData(parent="orientation_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), info=keep())
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, info=export_only())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(info=keep())
    revoked_at: Mapped[datetime | None] = mapped_column(info=keep())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    last_opened_at: Mapped[datetime | None] = mapped_column(info=export_only())
    # The one-time code of the current proof (None: none asked, or already used).
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), info=export_only())
    code_expires_at: Mapped[datetime | None] = mapped_column(info=export_only())
    code_attempts: Mapped[int] = mapped_column(default=0, server_default="0", info=export_only())

    orientation: Mapped[Orientation] = relationship()
