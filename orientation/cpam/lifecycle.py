"""The MAS case's stages: the one transition table and machine (the state-machine kernel).

    new → contacting                       the conseiller takes the case
    contacting → contacting                a call without answer (failed_attempts + 1)
    contacting → unreachable               the third call without answer
    unreachable → unreachable              one more call without answer
    contacting | unreachable → rights review    first contact made
    working stage → another working stage  in any order (rights review, practitioner search,
                                           financial arrangement, follow-up)
    any open stage → closed                with an outcome (and a reason unless the care was done);
                                           by a conseiller, or by the system when the orientation
                                           closed outside the case

Every change is applied by a conditional UPDATE on the case's `version` — the columns of the step
(failed_attempts + 1 in SQL, opened_at, first_contact_at, outcome…) in the same statement — and
writes an immutable MasCaseEvent of the step's kind. It flushes, never commits.
"""

from __future__ import annotations

from orientation.cpam.models import (
    MAX_FAILED_ATTEMPTS,
    WORKING_STAGES,
    CaseEventKind,
    CaseOutcome,
    CaseStage,
    MasCase,
    MasCaseEvent,
)
from orientation.extensions import db
from orientation.statemachine import InvalidTransition, Machine, Move, Rule, TransitionConflict, TransitionForbidden

C = CaseStage
K = CaseEventKind
CONSEILLER, SYSTEM = frozenset({"conseiller"}), frozenset({"system"})
OPEN_STAGES = tuple(stage for stage in CaseStage if stage is not C.CLOSED)


class MasRefused(InvalidTransition):
    """A refusal with a French message for the user; `field` names the form field at fault."""

    code = "mas_refused"
    default_en = "This change of the MAS case is not allowed now (see the French detail)."

    def __init__(self, message: str, field: str | None = None, **kwargs):
        super().__init__(message, field=field, **kwargs)


def _not_yet_unreachable(move: Move) -> None:
    if move.obj.failed_attempts + 1 >= MAX_FAILED_ATTEMPTS:
        raise MasRefused("Cette tentative rend la personne injoignable.", code="unreachable_now")


def _third_failure(move: Move) -> None:
    if move.obj.failed_attempts + 1 < MAX_FAILED_ATTEMPTS:
        raise MasRefused(
            f"La personne est injoignable après {MAX_FAILED_ATTEMPTS} tentatives sans réponse.", code="not_yet"
        )


_FAILED = Rule(CONSEILLER, "Tentative sans réponse", event_kind=K.CONTACT_FAILED)
_CONTACT_MADE = Rule(CONSEILLER, "Premier contact établi", event_kind=K.CONTACT_MADE)
_CLOSE = Rule(CONSEILLER | SYSTEM, "Clore le dossier", needs_outcome=True, event_kind=K.CLOSED)

# (from, to) → rule. Anything not listed is illegal.
TRANSITIONS: dict[tuple[CaseStage, CaseStage], Rule] = {
    (C.NEW, C.CONTACTING): Rule(CONSEILLER, "Prendre en charge", event_kind=K.OPENED),
    (C.CONTACTING, C.CONTACTING): Rule(
        CONSEILLER, "Tentative sans réponse", event_kind=K.CONTACT_FAILED, guard=_not_yet_unreachable
    ),
    (C.CONTACTING, C.UNREACHABLE): Rule(CONSEILLER, "Injoignable", event_kind=K.UNREACHABLE, guard=_third_failure),
    (C.UNREACHABLE, C.UNREACHABLE): _FAILED,
    (C.CONTACTING, C.RIGHTS_REVIEW): _CONTACT_MADE,
    (C.UNREACHABLE, C.RIGHTS_REVIEW): _CONTACT_MADE,
    **{
        (frm, to): Rule(CONSEILLER, "Passer à l'étape", event_kind=K.STAGE_CHANGED)
        for frm in WORKING_STAGES
        for to in WORKING_STAGES
        if frm is not to
    },
    **{(frm, C.CLOSED): _CLOSE for frm in OPEN_STAGES},
}


class CaseMachine(Machine):
    state = "stage"
    states = CaseStage
    table = TRANSITIONS
    invalid = MasRefused

    def illegal(self, obj: MasCase, from_stage, to_stage) -> MasRefused:
        code = "illegal_transition"
        if from_stage is C.CLOSED:
            return MasRefused("Ce dossier est clos : il ne peut plus être modifié.", code=code)
        if from_stage is to_stage:
            return MasRefused(f"Le dossier est déjà à l'étape « {to_stage.label} ».", code=code)
        if to_stage.is_working and not from_stage.is_working:
            return MasRefused("Établissez d'abord le premier contact avec la personne.", code=code)
        if from_stage.is_working:
            return MasRefused(
                "Choisissez une étape de l'accompagnement ; la clôture se fait avec son résultat.", code=code
            )
        return MasRefused(f"Un dossier « {from_stage.label} » ne peut pas passer à « {to_stage.label} ».", code=code)

    def conflict(self, obj: MasCase) -> TransitionConflict:
        db.session.refresh(obj)
        return TransitionConflict(
            "Quelqu'un vient de modifier ce dossier en même temps que vous : il est maintenant à l'étape "
            f"« {obj.stage.label} ». Votre action n'a pas été enregistrée ; relisez-le et recommencez si besoin.",
            "Someone changed the case at the same time: nothing was saved; read it again.",
        )

    def check(self, move: Move) -> None:
        if move.actor is None:
            if not move.rule.sides & SYSTEM:
                raise TransitionForbidden(
                    "Ce changement doit être fait par une personne, pas automatiquement.",
                    "This change must be made by a person, not automatically.",
                )
        elif move.obj.team.organisation_id not in {m.organisation_id for m in move.actor.memberships}:
            raise TransitionForbidden(
                "Seuls les conseillers de la Mission d'Accompagnement en Santé font avancer ce dossier.",
                "Only the MAS conseillers of the case's team may change it.",
            )
        if move.rule.needs_outcome:
            move.details.update(_checked_closure(move.details.get("outcome"), move.details.get("reason")))

    def values(self, move: Move) -> dict:
        values = {"last_progress_at": move.at}
        kind = self.kind(move)
        if kind is K.OPENED:
            values.update(opened_at=move.at, assigned_to_id=move.actor.id)
        elif kind is K.CONTACT_MADE:
            values["first_contact_at"] = move.details.get("contact_at") or move.at
        elif kind in (K.CONTACT_FAILED, K.UNREACHABLE):
            values["failed_attempts"] = MasCase.failed_attempts + 1  # in SQL: no lost count
        elif kind is K.CLOSED:
            values.update(outcome=move.outcome, closure_reason=move.reason, closed_at=move.at, waiting_on_person=False)
        return values

    def kind(self, move: Move) -> CaseEventKind:
        return move.details.get("kind") or move.rule.event_kind

    def event(self, move: Move, version: int) -> MasCaseEvent:
        public = move.details.get("public")
        return MasCaseEvent(
            case_id=move.obj.id,
            at=move.at,
            actor_user_id=getattr(move.actor, "id", None),
            kind=self.kind(move),
            stage=move.to_state,
            public_detail=(public or None) and public[:500],
            detail=move.details.get("detail") or None,
        )


CASE = CaseMachine()


def _checked_closure(outcome, reason) -> dict:
    if not outcome:
        raise MasRefused(
            "Choisissez le résultat de l'accompagnement pour clôturer le dossier.", "outcome", code="outcome_required"
        )
    try:
        outcome = CaseOutcome(outcome)
    except ValueError:
        raise MasRefused(
            "Ce résultat n'existe pas : choisissez-en un dans la liste.", "outcome", code="outcome_invalid"
        ) from None
    reason = (reason or "").strip() or None
    if not outcome.care_done and not reason:
        raise MasRefused(f"Indiquez le motif de la clôture « {outcome.label} ».", "reason", code="reason_required")
    return {"outcome": outcome, "reason": reason}


def transition(case: MasCase, to_stage, *, actor, **details) -> MasCaseEvent:
    """Move `case` to `to_stage` (flush, never commit). `details`: kind (the event's, when not the
    rule's), public, detail (the event's texts), outcome and reason (closure), contact_at."""
    return CASE.transition(case, to_stage, actor=actor, **details)


def validate(case: MasCase, to_stage, *, actor, **details) -> dict:
    """Check a move before the writes that go with it; returns its normalised details."""
    return CASE.validate(case, to_stage, actor=actor, **details).details
