"""Write use cases of the CPAM area: flush, never commit; the orientation's status only through the lifecycle.

The case stage and the orientation status move together:

    case stage                         orientation status
    new                                sent
    contacting, unreachable            received        (the conseiller took the case)
    rights review … follow-up          in progress     (first contact made: accepted, then in progress)
    closed                             completed met / partly met (soins réalisés), else declined
                                       (before first contact) or abandoned / completed not met (after)

Messages (the outcome to the détecteur) are outbox rows written in the same transaction, delivered
after the commit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from orientation import clock
from orientation.cpam import lifecycle as case_lifecycle
from orientation.cpam.lifecycle import MasRefused
from orientation.cpam.models import (
    MAX_FAILED_ATTEMPTS,
    WORKING_STAGES,
    CallChannel,
    CallSlot,
    CareKind,
    CaseEventKind,
    CaseOutcome,
    CaseStage,
    ContactAttempt,
    FinancialAid,
    MasCase,
    MasCaseCare,
    MasCaseEvent,
    MasCaseReason,
    MasNote,
    MasRightReview,
    MasTeam,
    MedecinTraitantDeclaration,
    RenouncementReason,
    RightKind,
    RightStatus,
)
from orientation.db import as_id
from orientation.directory.models import Service, ServiceZone
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.notifications.models import SubjectType
from orientation.notifications.operations import cancel_messages, enqueue_messages, message_values
from orientation.people import operations as people_operations
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, Need, NeedStatus, Person
from orientation.referrals import lifecycle
from orientation.referrals import operations as referral_operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from orientation.referrals.models import Orientation, SharedField, Urgency, orientation_needs
from orientation.referrals.notifications import sender_recipients
from orientation.statemachine import lock
from orientation.territory.models import Commune

DEPARTEMENT = "84"
MAS_CONSENT_PURPOSE = (
    "Être contacté·e par la CPAM de Vaucluse (Mission d'Accompagnement en Santé) au sujet des "
    "soins auxquels la personne renonce, et que la structure qui signale soit informée des étapes "
    "et du résultat de l'accompagnement."
)
# What the MAS needs to call the person back: shared with the CPAM by every saisine.
SHARED_WITH_MAS = [
    SharedField.BIRTH_DATE,
    SharedField.COMMUNE,
    SharedField.PHONE,
    SharedField.EMAIL,
    SharedField.CONTACT_PREFERENCE,
    SharedField.NEED_DETAILS,
    SharedField.REFERENT,
]
# The diagnosis details of the renoncement need (people.catalogue.DETAILS) that mirror the saisine.
CARE_DETAIL = {
    CareKind.DENTAIRE: "dentaire",
    CareKind.OPTIQUE: "optique",
    CareKind.AUDITION: "audition",
    CareKind.SPECIALISTE: "specialiste",
    CareKind.GENERALISTE: "generaliste",
    CareKind.SOINS_COURANTS: "soins_courants",
}
REASON_DETAIL = {
    RenouncementReason.RESTE_A_CHARGE: "raison_cout",
    RenouncementReason.NO_COMPLEMENTAIRE: "raison_complementaire",
    RenouncementReason.DISTANCE: "raison_distance",
    RenouncementReason.WAITING_TIME: "raison_delai",
    RenouncementReason.SYSTEM_NOT_UNDERSTOOD: "raison_comprehension",
    RenouncementReason.FEAR: "raison_peur",
}
CLOSED_TEMPLATE = "mas_case_closed"


# ---------------------------------------------------------------------------------------------
# Saisine


def route_team(commune_code: str | None) -> MasTeam | None:
    """The MAS team serving the commune: zone naming the commune, else its EPCI, else the département."""
    commune = db.session.get(Commune, commune_code) if commune_code else None
    ranked = [code for code in (commune_code, commune.epci_siren if commune else None, DEPARTEMENT, "france") if code]
    rows = db.session.execute(
        sa.select(MasTeam, ServiceZone.code)
        .join(Service, Service.id == MasTeam.service_id)
        .join(ServiceZone, ServiceZone.service_id == Service.id)
        .where(MasTeam.active.is_(True), Service.accepts_orientations.is_(True), ServiceZone.code.in_(ranked))
        .order_by(MasTeam.id)
    ).all()
    if not rows:
        return None
    return min(rows, key=lambda row: (ranked.index(row[1]), row[0].id))[0]


def file_saisine(
    *,
    user,
    organisation_id: int,
    person: Person | None,
    person_fields: dict | None,
    consent_given: bool,
    consent_method,
    care_kinds,
    reasons,
    urgency,
    call_slots,
    call_channel,
    other_care: str | None = None,
    other_reason: str | None = None,
    message: str = "",
) -> MasCase:
    """A détecteur's saisine: the person (existing or quick entry), the MAS consent, an orientation, a case."""
    if not consent_given:
        raise MasRefused(
            "La personne doit accepter d'être contactée par la CPAM : sans son accord, le "
            "signalement ne peut pas partir.",
            "consent_given",
        )
    care_kinds = [CareKind(value) for value in care_kinds or ()]
    reasons = [RenouncementReason(value) for value in reasons or ()]
    if not care_kinds:
        raise MasRefused("Cochez au moins un soin auquel la personne renonce.", "care_kinds")
    if not reasons:
        raise MasRefused("Cochez au moins une raison du renoncement.", "reasons")
    if CareKind.OTHER in care_kinds and not (other_care or "").strip():
        raise MasRefused("Précisez l'autre soin.", "other_care")
    if RenouncementReason.OTHER in reasons and not (other_reason or "").strip():
        raise MasRefused("Précisez l'autre raison.", "other_reason")
    if person is None:
        person = people_operations.save_person(None, organisation_id=organisation_id, user=user, **person_fields)
    team = route_team(person.commune_code)
    if team is None:
        raise MasRefused(
            "Aucune équipe de la Mission d'Accompagnement en Santé ne reçoit encore de signalements "
            "pour ce territoire : contactez la CPAM directement."
        )
    consent = people_operations.record_consent(
        person,
        user=user,
        organisation_id=organisation_id,
        method=ConsentMethod(consent_method),
        purpose=MAS_CONSENT_PURPOSE,
        scope=[Volet.SANTE.value],
    )
    need = _renoncement_need(person, user, care_kinds, reasons)
    db.session.expire(person, ["consents", "needs"])
    try:
        orientation = referral_operations.create_orientation(
            person,
            service_id=team.service_id,
            user=user,
            organisation_id=organisation_id,
            need_ids=[need.id],
            message=message or "",
            urgency=Urgency(urgency),
            shared_fields=[f.value for f in SHARED_WITH_MAS],
        )
    except referral_operations.OrientationRefused as refusal:
        raise MasRefused(str(refusal)) from None
    now = clock.now()
    case = MasCase(
        orientation_id=orientation.id,
        team_id=team.id,
        person_id=person.id,
        sender_organisation_id=organisation_id,
        filed_by_id=user.id,
        consent_id=consent.id,
        commune_code=person.commune_code,
        other_care=(other_care or "").strip() or None,
        other_reason=(other_reason or "").strip() or None,
        urgency=Urgency(urgency),
        call_slots=[CallSlot(value).value for value in call_slots or ()],
        call_channel=CallChannel(call_channel),
        message=message or "",
        stage=CaseStage.NEW,
        filed_at=now,
        last_progress_at=now,
        care_links=[MasCaseCare(kind=kind) for kind in dict.fromkeys(care_kinds)],
        reason_links=[MasCaseReason(reason=reason) for reason in dict.fromkeys(reasons)],
    )
    db.session.add(case)
    db.session.flush()
    _event(case, user, CaseEventKind.FILED, public=f"Signalé par {case.sender_organisation.name}")
    return case


def _renoncement_need(person: Person, user, care_kinds, reasons) -> Need:
    details = [CARE_DETAIL[k] for k in care_kinds if k in CARE_DETAIL] + [
        REASON_DETAIL[r] for r in reasons if r in REASON_DETAIL
    ]
    existing = next(
        (need for need in person.needs if need.code is NeedCode.SANTE_RENONCEMENT and need.status.is_open), None
    )
    if existing is not None:
        existing.details = list(dict.fromkeys([*(existing.details or []), *details]))
        return existing
    (need,) = people_operations.add_needs(
        person, user=user, volet=Volet.SANTE, codes=[NeedCode.SANTE_RENONCEMENT.value], details=details, note=None
    )
    return need


# ---------------------------------------------------------------------------------------------
# The MAS case's steps


def _event(
    case: MasCase,
    user,
    kind: CaseEventKind,
    *,
    public: str | None = None,
    detail: str | None = None,
    progress: bool = True,
) -> MasCaseEvent:
    now = clock.now()
    event = MasCaseEvent(
        case_id=case.id,
        at=now,
        actor_user_id=getattr(user, "id", None),
        kind=kind,
        stage=case.stage,
        public_detail=(public or None) and public[:500],
        detail=detail or None,
    )
    db.session.add(event)
    if progress:
        case.last_progress_at = now
    db.session.flush()
    return event


def _require_open(case: MasCase) -> None:
    if case.is_closed:
        raise MasRefused("Ce dossier est clos : il ne peut plus être modifié.")


def _walk_orientation(case: MasCase, user, to_status: S, note: str | None = None) -> None:
    """Bring the orientation forward to `to_status` along sent → received → accepted → in progress."""
    path = [S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS]
    orientation = case.orientation
    if orientation.status.is_closed:
        raise MasRefused(f"L'orientation de ce signalement est « {orientation.status.label} » : clôturez le dossier.")
    if orientation.status not in path:
        return
    for step in path[path.index(orientation.status) + 1 : path.index(to_status) + 1]:
        lifecycle.transition(orientation, step, actor=user, organisation=case.team.organisation_id, note=note)


def open_case(case: MasCase, *, user) -> MasCase:
    """The conseiller takes the case: the orientation is received, first contact can start."""
    _require_open(case)
    if case.stage is not CaseStage.NEW:
        raise MasRefused("Ce dossier est déjà pris en charge.")
    _walk_orientation(case, user, S.RECEIVED)
    case_lifecycle.transition(case, CaseStage.CONTACTING, actor=user)
    return case


def record_contact_attempt(case: MasCase, *, user, succeeded: bool, channel, note: str | None) -> ContactAttempt:
    """One call (or message): the first success starts the accompaniment; the 3rd failure: injoignable.

    Calls are facts, not decisions: the case's row is locked first, so two conseillers recording a
    call at once both count (one after the other, each on the current count) and the third failure
    makes the person unreachable exactly once.
    """
    lock(case)
    _require_open(case)
    if case.stage is CaseStage.NEW:
        open_case(case, user=user)
    if case.stage not in (CaseStage.CONTACTING, CaseStage.UNREACHABLE):
        raise MasRefused("Le premier contact est déjà établi.")
    attempt = ContactAttempt(
        case_id=case.id,
        at=clock.now(),
        by_id=user.id,
        channel=CallChannel(channel),
        succeeded=bool(succeeded),
        note=(note or "").strip() or None,
    )
    db.session.add(attempt)
    if succeeded:
        _walk_orientation(case, user, S.IN_PROGRESS, note="Premier contact établi par la MAS.")
        case_lifecycle.transition(case, CaseStage.RIGHTS_REVIEW, actor=user, contact_at=attempt.at, detail=attempt.note)
        return attempt
    count = case.failed_attempts + 1
    if count >= MAX_FAILED_ATTEMPTS and case.stage is CaseStage.CONTACTING:
        case_lifecycle.transition(
            case, CaseStage.UNREACHABLE, actor=user, public=f"{count} tentatives sans réponse", detail=attempt.note
        )
    else:
        case_lifecycle.transition(case, case.stage, actor=user, public=f"Tentative n° {count}", detail=attempt.note)
    return attempt


def move_to_stage(case: MasCase, *, user, stage) -> MasCase:
    """Between working steps, in any order (a step can be skipped or taken again)."""
    _require_working(case)
    stage = CaseStage(stage)
    if not stage.is_working:
        raise MasRefused("Choisissez une étape de l'accompagnement ; la clôture se fait avec son résultat.")
    case_lifecycle.transition(case, stage, actor=user, public=stage.label)
    return case


def _require_working(case: MasCase) -> None:
    _require_open(case)
    if not case.stage.is_working:
        raise MasRefused("Établissez d'abord le premier contact avec la personne.")


def update_rights(case: MasCase, *, user, statuses: dict) -> list[MasRightReview]:
    """Bilan des droits: the status of each right looked at (None: not concerned, removed)."""
    _require_working(case)
    existing = {review.right: review for review in case.rights}
    now = clock.now()
    changed = []
    for right, status in statuses.items():
        right = RightKind(right)
        review = existing.get(right)
        if not status:
            if review is not None:
                db.session.delete(review)
            continue
        status = RightStatus(status)
        if review is None:
            review = MasRightReview(case_id=case.id, right=right, status=status)
            db.session.add(review)
        review.status, review.updated_at, review.updated_by_id = status, now, user.id
        changed.append(f"{right.label} : {status.label}")
    db.session.flush()
    db.session.expire(case, ["rights"])
    _event(case, user, CaseEventKind.RIGHTS_UPDATED, detail="; ".join(changed) or "aucun droit concerné")
    return changed


def record_practitioners(case: MasCase, *, user, service_ids, note: str | None) -> MasCase:
    _require_working(case)
    ids = [as_id(value) for value in service_ids or () if as_id(value) is not None]
    known = set(db.session.scalars(sa.select(Service.id).where(Service.id.in_(ids)))) if ids else set()
    if len(known) != len(set(ids)):
        raise MasRefused("Choisissez des services de l'annuaire.", "service_ids")
    case.practitioner_service_ids = list(dict.fromkeys(ids))
    case.practitioner_note = (note or "").strip() or None
    _event(
        case,
        user,
        CaseEventKind.PRACTITIONERS_FOUND,
        public=f"{len(ids)} lieu(x) de soins proposé(s)",
        detail=case.practitioner_note,
    )
    return case


def record_financing(case: MasCase, *, user, aids, note: str | None) -> MasCase:
    _require_working(case)
    case.financial_aids = [FinancialAid(value).value for value in aids or ()]
    case.financial_note = (note or "").strip() or None
    _event(case, user, CaseEventKind.FINANCING_RECORDED, detail=", ".join(a.label for a in case.aids) or None)
    return case


def record_follow_up(case: MasCase, *, user, care_planned_on: date | None, note: str | None) -> MasCase:
    _require_working(case)
    case.care_planned_on = care_planned_on
    case.follow_up_note = (note or "").strip() or None
    public = f"Soins prévus le {care_planned_on:%d/%m/%Y}" if care_planned_on else "Suivi en cours"
    kind = CaseEventKind.FOLLOW_UP_RECORDED
    if case.stage is CaseStage.FOLLOW_UP:
        _event(case, user, kind, public=public, detail=case.follow_up_note)
    else:
        detail = case.follow_up_note
        case_lifecycle.transition(case, CaseStage.FOLLOW_UP, actor=user, kind=kind, public=public, detail=detail)
    return case


def set_waiting_on_person(case: MasCase, *, user, waiting: bool) -> MasCase:
    _require_working(case)
    if case.waiting_on_person == bool(waiting):
        return case
    case.waiting_on_person = bool(waiting)
    _event(case, user, CaseEventKind.WAITING_ON_PERSON if waiting else CaseEventKind.RESUMED)
    return case


def add_note(case: MasCase, *, user, body: str) -> MasNote:
    body = (body or "").strip()
    if not body:
        raise MasRefused("Écrivez la note.", "body")
    note = MasNote(case_id=case.id, author_id=user.id, body=body, created_at=clock.now())
    db.session.add(note)
    db.session.flush()
    return note


# ---------------------------------------------------------------------------------------------
# Closure

_UNDECIDED = {
    CaseOutcome.REORIENTED: (S.REDIRECTED, Reason.WRONG_SERVICE, None),
    CaseOutcome.ABANDONED: (S.DECLINED, Reason.PERSON_REFUSED, None),
    CaseOutcome.UNREACHABLE: (S.DECLINED, Reason.UNREACHABLE, None),
    CaseOutcome.NOT_ELIGIBLE: (S.DECLINED, Reason.NOT_ELIGIBLE, None),
    CaseOutcome.NO_FOLLOW_UP: (S.DECLINED, Reason.OTHER, None),
}
_ONGOING = {
    CaseOutcome.CARE_DONE_FULLY: (S.COMPLETED, None, Outcome.MET),
    CaseOutcome.CARE_DONE_PARTLY: (S.COMPLETED, None, Outcome.PARTLY_MET),
    CaseOutcome.REORIENTED: (S.COMPLETED, None, Outcome.NOT_MET),
    CaseOutcome.ABANDONED: (S.ABANDONED, Reason.PERSON_REFUSED, None),
    CaseOutcome.UNREACHABLE: (S.ABANDONED, Reason.UNREACHABLE, None),
    CaseOutcome.NOT_ELIGIBLE: (S.ABANDONED, Reason.OTHER, None),
    CaseOutcome.NO_FOLLOW_UP: (S.ABANDONED, Reason.NO_LONGER_NEEDED, None),
}


def closing_transition(status: S, outcome: CaseOutcome) -> tuple[S, Reason | None, Outcome | None]:
    """The orientation's closing move for a case outcome, from where the orientation stands."""
    if status in (S.SENT, S.RECEIVED) and outcome in _UNDECIDED:
        return _UNDECIDED[outcome]
    return _ONGOING[outcome]


def check_close_case(case: MasCase, *, user, outcome, reason: str | None) -> tuple[CaseOutcome, str | None]:
    """The closure would be accepted (before its confirmation): the outcome and reason, checked."""
    _require_open(case)
    checked = case_lifecycle.validate(case, CaseStage.CLOSED, actor=user, outcome=outcome, reason=reason)
    return checked["outcome"], checked["reason"]


def close_case(case: MasCase, *, user, outcome, reason: str | None) -> MasCase:
    """Close with an outcome (and a reason unless the care was done); the détecteur is told."""
    outcome, reason = check_close_case(case, user=user, outcome=outcome, reason=reason)
    orientation = case.orientation
    if not orientation.status.is_closed:
        if outcome.care_done:
            _walk_orientation(case, user, S.IN_PROGRESS)
        to_status, orientation_reason, orientation_outcome = closing_transition(orientation.status, outcome)
        lifecycle.transition(
            orientation,
            to_status,
            actor=user,
            organisation=case.team.organisation_id,
            reason=orientation_reason,
            outcome=orientation_outcome,
            note=f"{outcome.label}{' — ' + reason if reason else ''}",
        )
        # The détecteur gets the MAS outcome below, not also the generic orientation update.
        cancel_messages(
            SubjectType.ORIENTATION,
            orientation.id,
            template="orientation_update",
            reason="remplacé par le message de clôture de la MAS",
        )
    _finish(case, user, outcome, reason)
    return case


def _finish(case: MasCase, user, outcome: CaseOutcome, reason: str | None) -> None:
    public = outcome.label + (f" — {reason}" if reason else "")
    case_lifecycle.transition(case, CaseStage.CLOSED, actor=user, outcome=outcome, reason=reason, public=public)
    tell_detector_outcome(case)


def tell_detector_outcome(case: MasCase) -> None:

    orientation = case.orientation
    rows = [
        message_values(
            "email",
            member.email,
            CLOSED_TEMPLATE,
            {"case": case, "recipient": member},
            idempotency_key=f"mas:{case.id}:closed:user:{member.id}",
            recipient_user_id=member.id,
            subject_type=SubjectType.MAS_CASE,
            subject_id=case.id,
        )
        for member in sender_recipients(orientation)
    ]
    enqueue_messages(rows)


# What a closed orientation means for its case when it was closed outside the case (the sender
# cancelled it, the person withdrew consent, someone decided on the orientation page).
_FROM_ORIENTATION = {
    S.COMPLETED: {
        Outcome.MET: CaseOutcome.CARE_DONE_FULLY,
        Outcome.PARTLY_MET: CaseOutcome.CARE_DONE_PARTLY,
        Outcome.NOT_MET: CaseOutcome.NO_FOLLOW_UP,
    },
    S.DECLINED: {
        Reason.UNREACHABLE: CaseOutcome.UNREACHABLE,
        Reason.NOT_ELIGIBLE: CaseOutcome.NOT_ELIGIBLE,
        Reason.PERSON_REFUSED: CaseOutcome.ABANDONED,
    },
    S.ABANDONED: {Reason.UNREACHABLE: CaseOutcome.UNREACHABLE, Reason.PERSON_REFUSED: CaseOutcome.ABANDONED},
    S.REDIRECTED: {},
}


def close_from_orientation(case: MasCase) -> MasCase:
    """The orientation closed outside the case: close the case to match (by the system)."""
    orientation = case.orientation
    last = orientation.events[-1] if orientation.events else None
    if orientation.status is S.REDIRECTED:
        outcome = CaseOutcome.REORIENTED
    else:
        key = orientation.outcome if orientation.status is S.COMPLETED else (last.reason if last else None)
        outcome = _FROM_ORIENTATION.get(orientation.status, {}).get(key, CaseOutcome.NO_FOLLOW_UP)
    reason = (
        None
        if outcome.care_done
        else (
            f"Orientation « {orientation.status.label} »" + (f" : {last.reason.label}" if last and last.reason else "")
        )
    )
    _finish(case, None, outcome, reason)
    return case


# ---------------------------------------------------------------------------------------------
# Santé beyond the CPAM


def declare_medecin_traitant(need: Need, *, user, organisation_id: int) -> MedecinTraitantDeclaration:
    """ "Médecin traitant déclaré": the need is met; an orientation of it under way is completed (met)."""
    if need.code is not NeedCode.SANTE_MEDECIN_TRAITANT:
        raise MasRefused("Ce besoin n'est pas « Pas de médecin traitant ».")
    if not need.status.is_open:
        raise MasRefused("Ce besoin est déjà clôturé.")

    orientation = db.session.scalar(
        sa.select(Orientation)
        .join(orientation_needs, orientation_needs.c.orientation_id == Orientation.id)
        .where(orientation_needs.c.need_id == need.id, Orientation.status.in_([S.ACCEPTED, S.IN_PROGRESS]))
        .order_by(Orientation.id.desc())
        .limit(1)
    )
    declaration = MedecinTraitantDeclaration(
        need_id=need.id,
        person_id=need.person_id,
        organisation_id=organisation_id,
        orientation_id=orientation.id if orientation else None,
        commune_code=need.person.commune_code,
        declared_by_id=user.id,
        declared_at=clock.now(),
    )
    db.session.add(declaration)
    if orientation is not None and orientation.receiver_organisation_id == organisation_id:
        lifecycle.transition(
            orientation,
            S.COMPLETED,
            actor=user,
            organisation=organisation_id,
            outcome=Outcome.MET,
            # in the santé volet's words too (referrals.outcome_details): the pilotage counts it
            outcome_details={"health": ["medecin_traitant"]} if orientation.volet is Volet.SANTE else None,
            note="Médecin traitant déclaré.",
        )  # closes the need as met
        db.session.refresh(need)
    if need.status.is_open:
        people_operations.close_need(need, NeedStatus.MET)
    db.session.flush()
    return declaration


__all__ = [
    "WORKING_STAGES",
    "MasRefused",
    "close_case",
    "declare_medecin_traitant",
    "file_saisine",
    "open_case",
    "record_contact_attempt",
    "route_team",
]
