"""MAS teams and cases, their steps, internal notes and immutable timeline; médecin traitant declarations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation.db import enum_type, utcnow
from orientation.extensions import db
from orientation.notifications.models import SubjectType
from orientation.personal_data import ERASED_TEXT, PersonalData, blank, blank_if_set, erase, export_only, keep
from orientation.referrals.models import Urgency

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.directory.models import Service
    from orientation.organisations.models import Organisation
    from orientation.people.models import Consent, Person
    from orientation.referrals.models import Orientation

MAX_FAILED_ATTEMPTS = 3  # then the person is "injoignable"


class _Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return self._labels()[self.value]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class CareKind(_Labelled):
    DENTAIRE = "dentaire"
    OPTIQUE = "optique"
    AUDITION = "audition"
    SPECIALISTE = "specialiste"
    GENERALISTE = "generaliste"
    SOINS_COURANTS = "soins_courants"
    OTHER = "other"

    @staticmethod
    def _labels():
        return {
            "dentaire": "Soins dentaires",
            "optique": "Optique",
            "audition": "Audition",
            "specialiste": "Spécialiste",
            "generaliste": "Généraliste / médecin traitant",
            "soins_courants": "Soins courants",
            "other": "Autre",
        }


class RenouncementReason(_Labelled):
    RESTE_A_CHARGE = "reste_a_charge"
    NO_COMPLEMENTAIRE = "no_complementaire"
    RIGHTS_NOT_OPEN = "rights_not_open"
    DISTANCE = "distance"
    WAITING_TIME = "waiting_time"
    NO_MEDECIN_TRAITANT = "no_medecin_traitant"
    SYSTEM_NOT_UNDERSTOOD = "system_not_understood"
    FEAR = "fear"
    OTHER = "other"

    @staticmethod
    def _labels():
        return {
            "reste_a_charge": "Reste à charge trop élevé",
            "no_complementaire": "Pas de complémentaire santé",
            "rights_not_open": "Droits non ouverts",
            "distance": "Distance",
            "waiting_time": "Délais d'attente",
            "no_medecin_traitant": "Pas de médecin traitant",
            "system_not_understood": "Ne comprend pas le système de soins",
            "fear": "Peur des soins",
            "other": "Autre",
        }


class CallSlot(_Labelled):
    MORNING = "morning"
    MIDDAY = "midday"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @staticmethod
    def _labels():
        return {
            "morning": "Le matin (9 h – 12 h)",
            "midday": "Entre midi et deux",
            "afternoon": "L'après-midi (14 h – 17 h)",
            "evening": "En fin de journée (17 h – 19 h)",
        }


class CallChannel(_Labelled):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    VIA_DETECTOR = "via_detector"

    @staticmethod
    def _labels():
        return {
            "phone": "Appel téléphonique",
            "sms": "SMS d'abord, puis appel",
            "email": "E-mail",
            "via_detector": "Par l'intermédiaire de la structure qui signale",
        }


class CaseStage(_Labelled):
    NEW = "new"
    CONTACTING = "contacting"
    UNREACHABLE = "unreachable"
    RIGHTS_REVIEW = "rights_review"
    PRACTITIONER_SEARCH = "practitioner_search"
    FINANCIAL_ARRANGEMENT = "financial_arrangement"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"

    @staticmethod
    def _labels():
        return {
            "new": "Nouveau signalement",
            "contacting": "Premier contact en cours",
            "unreachable": "Injoignable",
            "rights_review": "Bilan des droits",
            "practitioner_search": "Recherche de praticiens",
            "financial_arrangement": "Montage financier",
            "follow_up": "Suivi jusqu'aux soins",
            "closed": "Clos",
        }

    @property
    def is_working(self) -> bool:
        return self in WORKING_STAGES


WORKING_STAGES = (
    CaseStage.RIGHTS_REVIEW,
    CaseStage.PRACTITIONER_SEARCH,
    CaseStage.FINANCIAL_ARRANGEMENT,
    CaseStage.FOLLOW_UP,
)
# The stepper shown to everyone (the détecteur included): position of each stage.
STEPPER = [CaseStage.NEW, CaseStage.CONTACTING, *WORKING_STAGES, CaseStage.CLOSED]


class CaseOutcome(_Labelled):
    CARE_DONE_FULLY = "care_done_fully"
    CARE_DONE_PARTLY = "care_done_partly"
    REORIENTED = "reoriented"
    ABANDONED = "abandoned"
    UNREACHABLE = "unreachable"
    NOT_ELIGIBLE = "not_eligible"
    NO_FOLLOW_UP = "no_follow_up"

    @staticmethod
    def _labels():
        return {
            "care_done_fully": "Soins réalisés totalement",
            "care_done_partly": "Soins réalisés partiellement",
            "reoriented": "Réorienté vers un autre accompagnement",
            "abandoned": "Abandon de la personne",
            "unreachable": "Personne injoignable",
            "not_eligible": "Hors critères de la mission",
            "no_follow_up": "Sans suite",
        }

    @property
    def care_done(self) -> bool:
        return self in (CaseOutcome.CARE_DONE_FULLY, CaseOutcome.CARE_DONE_PARTLY)


class RightKind(_Labelled):
    CSS = "css"
    AME = "ame"
    PUMA = "puma"
    ALD = "ald"
    COMPLEMENTAIRE = "complementaire"
    INVALIDITE = "invalidite"

    @staticmethod
    def _labels():
        return {
            "css": "Complémentaire santé solidaire (CSS)",
            "ame": "Aide médicale de l'État (AME)",
            "puma": "Protection universelle maladie (PUMa)",
            "ald": "Affection de longue durée (ALD)",
            "complementaire": "Complémentaire santé privée",
            "invalidite": "Pension d'invalidité",
        }


class RightStatus(_Labelled):
    TO_CHECK = "to_check"
    ALREADY_OPEN = "already_open"
    OPENED = "opened"
    IN_PROGRESS = "in_progress"
    NOT_ELIGIBLE = "not_eligible"

    @staticmethod
    def _labels():
        return {
            "to_check": "À vérifier",
            "already_open": "Déjà ouvert",
            "opened": "Ouvert par la MAS",
            "in_progress": "Demande en cours",
            "not_eligible": "Non éligible",
        }


class FinancialAid(_Labelled):
    FASS = "fass"
    CSS = "css"
    MUTUELLE = "mutuelle"
    DEVIS = "devis"
    ASSOCIATION = "association"
    OTHER = "other"

    @staticmethod
    def _labels():
        return {
            "fass": "Aide du fonds d'action sanitaire et sociale (FASS)",
            "css": "Prise en charge CSS",
            "mutuelle": "Participation de la mutuelle",
            "devis": "Devis comparés / renégociés",
            "association": "Aide d'une association ou du CCAS",
            "other": "Autre",
        }


class CaseEventKind(_Labelled):
    FILED = "filed"
    OPENED = "opened"
    CONTACT_FAILED = "contact_failed"
    CONTACT_MADE = "contact_made"
    UNREACHABLE = "unreachable"
    STAGE_CHANGED = "stage_changed"
    RIGHTS_UPDATED = "rights_updated"
    PRACTITIONERS_FOUND = "practitioners_found"
    FINANCING_RECORDED = "financing_recorded"
    FOLLOW_UP_RECORDED = "follow_up_recorded"
    WAITING_ON_PERSON = "waiting_on_person"
    RESUMED = "resumed"
    CLOSED = "closed"

    @staticmethod
    def _labels():
        return {
            "filed": "Signalement reçu",
            "opened": "Dossier pris en charge par la MAS",
            "contact_failed": "Tentative de contact sans réponse",
            "contact_made": "Premier contact établi",
            "unreachable": "Personne injoignable après trois tentatives",
            "stage_changed": "Nouvelle étape",
            "rights_updated": "Bilan des droits mis à jour",
            "practitioners_found": "Praticiens recherchés",
            "financing_recorded": "Montage financier",
            "follow_up_recorded": "Suivi des soins",
            "waiting_on_person": "En attente de la personne",
            "resumed": "Reprise de l'accompagnement",
            "closed": "Dossier clos",
        }


class MasTeam(db.Model):
    """One MAS queue: a directory service received by a CPAM organisation (routing: the service's zone)."""

    __tablename__ = "mas_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id", ondelete="RESTRICT"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service] = relationship()


_STAGE_CLOSED = "stage = 'closed'"


class MasCase(db.Model):
    __tablename__ = "mas_cases"
    __table_args__ = (
        sa.CheckConstraint(f"({_STAGE_CLOSED}) = (outcome IS NOT NULL)", name="outcome_iff_closed"),
        sa.CheckConstraint(f"({_STAGE_CLOSED}) = (closed_at IS NOT NULL)", name="closed_at_iff_closed"),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('care_done_fully', 'care_done_partly') OR closure_reason IS NOT NULL",
            name="reason_unless_care_done",
        ),
        sa.CheckConstraint("failed_attempts >= 0", name="failed_attempts_not_negative"),
        sa.CheckConstraint("version > 0", name="version_positive"),
        sa.Index("ix_mas_cases_team_stage_activity", "team_id", "stage", "last_progress_at"),
        sa.Index("ix_mas_cases_sender_filed", "sender_organisation_id", "filed_at"),
        sa.Index("ix_mas_cases_stage_filed", "stage", "filed_at"),  # the worker's polls
    )
    __personal_data__ = PersonalData(person="person_id", outbox_subjects=(SubjectType.MAS_CASE,), in_figures=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"), unique=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_teams.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Copied from the orientation: the détecteur's side, for lists and permission checks without a join.
    sender_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    consent_id: Mapped[int] = mapped_column(sa.ForeignKey("consents.id", ondelete="RESTRICT"))
    # The commune when filed (the EPCI figures do not move when the person does).
    commune_code: Mapped[str | None] = mapped_column(sa.ForeignKey("communes.code_insee"))

    other_care: Mapped[str | None] = mapped_column(sa.String(200), info=erase())
    other_reason: Mapped[str | None] = mapped_column(sa.String(200), info=erase())
    urgency: Mapped[Urgency] = mapped_column(
        enum_type(Urgency, "mas_case_urgency"), default=Urgency.NORMAL, info=keep()
    )
    call_slots: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())  # CallSlot values
    call_channel: Mapped[CallChannel] = mapped_column(
        enum_type(CallChannel, "mas_call_channel"), default=CallChannel.PHONE, info=keep()
    )
    # The détecteur's words to the MAS.
    message: Mapped[str] = mapped_column(sa.Text, default="", info=blank(""))

    # Written only by cpam.lifecycle (stage, failed_attempts and the columns of each step).
    stage: Mapped[CaseStage] = mapped_column(enum_type(CaseStage, "mas_case_stage"), default=CaseStage.NEW, info=keep())
    version: Mapped[int] = mapped_column(default=1, server_default="1", info=export_only())
    waiting_on_person: Mapped[bool] = mapped_column(default=False, info=keep())
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    failed_attempts: Mapped[int] = mapped_column(default=0, info=keep())
    practitioner_service_ids: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())
    practitioner_note: Mapped[str | None] = mapped_column(sa.Text, info=erase())  # internal
    financial_aids: Mapped[list] = mapped_column(sa.JSON, default=list, info=keep())  # FinancialAid values
    financial_note: Mapped[str | None] = mapped_column(sa.Text, info=erase())  # internal
    care_planned_on: Mapped[date | None] = mapped_column(info=keep())
    follow_up_note: Mapped[str | None] = mapped_column(sa.Text, info=erase())  # internal
    outcome: Mapped[CaseOutcome | None] = mapped_column(enum_type(CaseOutcome, "mas_case_outcome"), info=keep())
    # Shown to the détecteur with the outcome; required unless the care was done (a CHECK), hence a blank.
    closure_reason: Mapped[str | None] = mapped_column(sa.Text, info=blank_if_set(ERASED_TEXT))

    filed_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    opened_at: Mapped[datetime | None] = mapped_column(info=keep())
    first_contact_at: Mapped[datetime | None] = mapped_column(info=keep())
    closed_at: Mapped[datetime | None] = mapped_column(info=keep())
    last_progress_at: Mapped[datetime] = mapped_column(default=utcnow, info=export_only())

    orientation: Mapped[Orientation] = relationship()
    team: Mapped[MasTeam] = relationship()
    person: Mapped[Person] = relationship()
    sender_organisation: Mapped[Organisation] = relationship(foreign_keys=[sender_organisation_id])
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    consent: Mapped[Consent] = relationship()
    care_links: Mapped[list[MasCaseCare]] = relationship(cascade="all, delete-orphan", order_by="MasCaseCare.kind")
    reason_links: Mapped[list[MasCaseReason]] = relationship(
        cascade="all, delete-orphan", order_by="MasCaseReason.reason"
    )
    attempts: Mapped[list[ContactAttempt]] = relationship(order_by="ContactAttempt.at", viewonly=True)
    rights: Mapped[list[MasRightReview]] = relationship(order_by="MasRightReview.right", viewonly=True)
    notes: Mapped[list[MasNote]] = relationship(order_by="MasNote.created_at", viewonly=True)
    events: Mapped[list[MasCaseEvent]] = relationship(order_by="(MasCaseEvent.at, MasCaseEvent.id)", viewonly=True)

    @property
    def care_kinds(self) -> list[CareKind]:
        return [link.kind for link in self.care_links]

    @property
    def reasons(self) -> list[RenouncementReason]:
        return [link.reason for link in self.reason_links]

    @property
    def slots(self) -> list[CallSlot]:
        return [CallSlot(value) for value in self.call_slots or () if value in CallSlot._value2member_map_]

    @property
    def aids(self) -> list[FinancialAid]:
        return [FinancialAid(v) for v in self.financial_aids or () if v in FinancialAid._value2member_map_]

    @property
    def is_closed(self) -> bool:
        return self.stage is CaseStage.CLOSED

    @property
    def step_number(self) -> int:
        return STEPPER.index(CaseStage.CONTACTING if self.stage is CaseStage.UNREACHABLE else self.stage) + 1

    def __repr__(self) -> str:
        return f"<MasCase {self.id}>"


class MasCaseCare(db.Model):
    """One kind of care given up (a table: the dashboard groups by it with an index)."""

    __tablename__ = "mas_case_care_kinds"
    __personal_data__ = PersonalData(parent="case_id")

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[CareKind] = mapped_column(enum_type(CareKind, "mas_care_kind"), primary_key=True)


class MasCaseReason(db.Model):
    __tablename__ = "mas_case_reasons"
    __personal_data__ = PersonalData(parent="case_id")

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_cases.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[RenouncementReason] = mapped_column(enum_type(RenouncementReason, "mas_reason"), primary_key=True)


class ContactAttempt(db.Model):
    __tablename__ = "mas_contact_attempts"
    __table_args__ = (sa.Index("ix_mas_contact_attempts_case_at", "case_id", "at"),)
    __personal_data__ = PersonalData(parent="case_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[CallChannel] = mapped_column(enum_type(CallChannel, "mas_attempt_channel"), info=keep())
    succeeded: Mapped[bool] = mapped_column(info=keep())
    note: Mapped[str | None] = mapped_column(sa.Text, info=erase())  # internal

    by: Mapped[User | None] = relationship()


class MasRightReview(db.Model):
    """Bilan des droits: one row per right looked at (CPAM only: it reveals income and residence status)."""

    __tablename__ = "mas_right_reviews"
    __personal_data__ = PersonalData(parent="case_id")

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_cases.id", ondelete="CASCADE"), primary_key=True)
    right: Mapped[RightKind] = mapped_column(enum_type(RightKind, "mas_right_kind"), primary_key=True)
    status: Mapped[RightStatus] = mapped_column(enum_type(RightStatus, "mas_right_status"), info=keep())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, info=export_only())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class MasNote(db.Model):
    """An internal note of the CPAM: never shown to the détecteur."""

    __tablename__ = "mas_notes"
    __table_args__ = (sa.Index("ix_mas_notes_case_created", "case_id", "created_at"),)
    __personal_data__ = PersonalData(parent="case_id", erase_rows=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_cases.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, info=erase())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())

    author: Mapped[User | None] = relationship()


class MasCaseEvent(db.Model):
    """One step of the case's timeline, immutable. `detail` is CPAM-only; `public_detail` may be shown."""

    __tablename__ = "mas_case_events"
    __table_args__ = (sa.Index("ix_mas_case_events_case_at", "case_id", "at"),)
    __personal_data__ = PersonalData(parent="case_id")

    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mas_cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[CaseEventKind] = mapped_column(enum_type(CaseEventKind, "mas_event_kind"), info=keep())
    # The stage after it.
    stage: Mapped[CaseStage] = mapped_column(enum_type(CaseStage, "mas_event_stage"), info=keep())
    public_detail: Mapped[str | None] = mapped_column(sa.String(500), info=erase())
    detail: Mapped[str | None] = mapped_column(sa.Text, info=erase())

    actor: Mapped[User | None] = relationship()


@event.listens_for(MasCaseEvent, "before_update")
@event.listens_for(MasCaseEvent, "before_delete")
def _events_are_immutable(_mapper, _connection, target):
    raise RuntimeError(f"MAS case events are immutable (event {target.id})")


class MedecinTraitantDeclaration(db.Model):
    """ "Médecin traitant déclaré": closes a "pas de médecin traitant" need; counted in the steering figures."""

    __tablename__ = "medecin_traitant_declarations"
    __personal_data__ = PersonalData(person="person_id", in_figures=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"))
    orientation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orientations.id", ondelete="SET NULL"))
    commune_code: Mapped[str | None] = mapped_column(sa.ForeignKey("communes.code_insee"))
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())

    organisation: Mapped[Organisation] = relationship()
    declared_by: Mapped[User | None] = relationship()
