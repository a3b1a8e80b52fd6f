"""The orientation lifecycle: statuses, the one transition table, and `transition()`.

`transition()` is the only code that writes an orientation's status (and `open_draft()` its first
one). It runs the state-machine kernel (`orientation.statemachine`) over TRANSITIONS: every change
is checked (legal move, side allowed, reason, outcome), is applied by a conditional UPDATE on the
row's `version` (optimistic concurrency: of two decisions taken at once exactly one wins, the other
gets `TransitionConflict`), and writes an immutable OrientationEvent. It flushes, never commits.
Refusals carry their code, HTTP status and French and English messages. Statuses map to FHIR Task
statuses for the API.

    draft → sent → received → accepted | declined | redirected
    accepted → in_progress → completed | abandoned
    cancelled: by the sender, before completion (or by the system when consent is withdrawn)
    expired: by the system, when a sent orientation gets no decision in time
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from orientation import clock
from orientation.extensions import db
from orientation.statemachine import (
    InvalidTransition,
    Machine,
    Move,
    Rule,
    TransitionConflict,
    TransitionForbidden,
    TransitionRefused,
)

if TYPE_CHECKING:
    from orientation.auth.models import User
    from orientation.referrals.models import Orientation, OrientationEvent


class OrientationStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REDIRECTED = "redirected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES

    @property
    def is_pending(self) -> bool:
        """Still waiting for something to happen (stopped when consent is withdrawn)."""
        return not self.is_closed

    @property
    def fhir_task_status(self) -> str:
        return FHIR_TASK_STATUS[self]

    @property
    def badge(self) -> str:
        """DSFR badge modifier."""
        return STATUS_BADGES[self]


S = OrientationStatus
STATUS_LABELS = {
    S.DRAFT: "Brouillon",
    S.SENT: "Envoyée",
    S.RECEIVED: "Reçue",
    S.ACCEPTED: "Acceptée",
    S.DECLINED: "Refusée",
    S.REDIRECTED: "Réorientée",
    S.IN_PROGRESS: "Accompagnement en cours",
    S.COMPLETED: "Terminée",
    S.ABANDONED: "Abandonnée",
    S.CANCELLED: "Annulée",
    S.EXPIRED: "Expirée (sans réponse)",
}
STATUS_BADGES = {
    S.DRAFT: "",
    S.SENT: "new",
    S.RECEIVED: "info",
    S.ACCEPTED: "info",
    S.DECLINED: "error",
    S.REDIRECTED: "warning",
    S.IN_PROGRESS: "info",
    S.COMPLETED: "success",
    S.ABANDONED: "warning",
    S.CANCELLED: "",
    S.EXPIRED: "error",
}
CLOSED_STATUSES = frozenset({S.DECLINED, S.REDIRECTED, S.COMPLETED, S.ABANDONED, S.CANCELLED, S.EXPIRED})
UNDECIDED_STATUSES = frozenset({S.SENT, S.RECEIVED})
# Closed without the person being received: the sender orients them elsewhere (« Orienter vers un autre service »).
REORIENTABLE_STATUSES = frozenset({S.DECLINED, S.REDIRECTED, S.EXPIRED})
ONGOING_STATUSES = frozenset({S.ACCEPTED, S.IN_PROGRESS})

# http://hl7.org/fhir/task-status (the Gravity SDOHCC referral Task uses the same codes; our
# "received" is FHIR's, our "redirected" and "expired" carry a statusReason).
FHIR_TASK_STATUS = {
    S.DRAFT: "draft",
    S.SENT: "requested",
    S.RECEIVED: "received",
    S.ACCEPTED: "accepted",
    S.DECLINED: "rejected",
    S.REDIRECTED: "rejected",
    S.IN_PROGRESS: "in-progress",
    S.COMPLETED: "completed",
    S.ABANDONED: "failed",
    S.CANCELLED: "cancelled",
    S.EXPIRED: "cancelled",
}
# What a partner's FHIR status asks for (ready, on-hold and entered-in-error are not supported).
STATUS_FROM_FHIR = {
    "draft": S.DRAFT,
    "requested": S.SENT,
    "received": S.RECEIVED,
    "accepted": S.ACCEPTED,
    "rejected": S.DECLINED,
    "in-progress": S.IN_PROGRESS,
    "completed": S.COMPLETED,
    "failed": S.ABANDONED,
    "cancelled": S.CANCELLED,
}


class Side(enum.StrEnum):
    SENDER = "sender"
    RECEIVER = "receiver"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return {"sender": "Structure qui oriente", "receiver": "Structure destinataire", "system": "Automatique"}[
            self.value
        ]


class Reason(enum.StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    FULL = "full"
    WRONG_SERVICE = "wrong_service"
    UNREACHABLE = "unreachable"
    DID_NOT_COME = "did_not_come"
    PERSON_REFUSED = "person_refused"
    NO_LONGER_NEEDED = "no_longer_needed"
    DUPLICATE = "duplicate"
    SENT_BY_MISTAKE = "sent_by_mistake"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_ANSWER = "no_answer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


R = Reason
REASON_LABELS = {
    R.NOT_ELIGIBLE: "La personne ne remplit pas les conditions",
    R.FULL: "Plus de place (complet)",
    R.WRONG_SERVICE: "Service non adapté au besoin",
    R.UNREACHABLE: "Personne injoignable",
    R.DID_NOT_COME: "La personne ne s'est pas présentée",
    R.PERSON_REFUSED: "La personne a refusé",
    R.NO_LONGER_NEEDED: "Le besoin n'est plus d'actualité",
    R.DUPLICATE: "Doublon",
    R.SENT_BY_MISTAKE: "Envoyée par erreur",
    R.CONSENT_WITHDRAWN: "Consentement retiré par la personne",
    R.NO_ANSWER: "Aucune décision dans le délai",
    R.OTHER: "Autre (préciser)",
}


class Outcome(enum.StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {
            "met": "Besoin satisfait",
            "partly_met": "Besoin partiellement satisfait",
            "not_met": "Besoin non satisfait",
        }[self.value]


@dataclass(frozen=True)
class LinkHolder:
    """A receiver without an account, acting through a verified personal link to one orientation.

    Passed as `actor` wherever a User is: it is on the receiving side of that orientation only,
    and the events it writes name its address (`actor_email`) instead of an account.
    """

    email: str
    orientation_id: int
    link_id: int

    id = None  # no account: columns naming the acting user stay NULL
    memberships = ()


def actor_user_id(actor) -> int | None:
    return None if actor is None or isinstance(actor, LinkHolder) else actor.id


def actor_email(actor) -> str | None:
    return actor.email if isinstance(actor, LinkHolder) else None


SENDER, RECEIVER, SYSTEM = frozenset({Side.SENDER}), frozenset({Side.RECEIVER}), frozenset({Side.SYSTEM})
_DECLINE = (R.NOT_ELIGIBLE, R.FULL, R.WRONG_SERVICE, R.UNREACHABLE, R.PERSON_REFUSED, R.DUPLICATE, R.OTHER)
_REDIRECT = (R.WRONG_SERVICE, R.NOT_ELIGIBLE, R.FULL, R.OTHER)
_ABANDON = (R.UNREACHABLE, R.DID_NOT_COME, R.PERSON_REFUSED, R.NO_LONGER_NEEDED, R.OTHER)
_CANCEL = (R.NO_LONGER_NEEDED, R.DUPLICATE, R.SENT_BY_MISTAKE, R.PERSON_REFUSED, R.CONSENT_WITHDRAWN, R.OTHER)
_SENDER_CANCEL = Rule(SENDER | SYSTEM, "Annuler l'orientation", _CANCEL)
_EXPIRE = Rule(SYSTEM, "Expirer", (R.NO_ANSWER,))


def _decisions() -> dict:
    return {
        S.ACCEPTED: Rule(RECEIVER, "Accepter"),
        S.DECLINED: Rule(RECEIVER, "Refuser", _DECLINE),
        S.REDIRECTED: Rule(RECEIVER, "Réorienter vers un autre service", _REDIRECT),
    }


# (from, to) → rule. Anything not listed is illegal.
TRANSITIONS: dict[tuple[OrientationStatus, OrientationStatus], Rule] = {
    (S.DRAFT, S.SENT): Rule(SENDER, "Envoyer"),
    (S.DRAFT, S.CANCELLED): _SENDER_CANCEL,
    (S.SENT, S.RECEIVED): Rule(RECEIVER, "Accuser réception"),
    **{(S.SENT, to): rule for to, rule in _decisions().items()},  # deciding at once implies reception
    **{(S.RECEIVED, to): rule for to, rule in _decisions().items()},
    (S.SENT, S.CANCELLED): _SENDER_CANCEL,
    (S.RECEIVED, S.CANCELLED): _SENDER_CANCEL,
    (S.SENT, S.EXPIRED): _EXPIRE,
    (S.RECEIVED, S.EXPIRED): _EXPIRE,
    (S.ACCEPTED, S.IN_PROGRESS): Rule(RECEIVER, "Démarrer l'accompagnement"),
    (S.ACCEPTED, S.COMPLETED): Rule(RECEIVER, "Terminer avec le résultat", needs_outcome=True),
    (S.ACCEPTED, S.ABANDONED): Rule(RECEIVER, "Déclarer abandonnée", _ABANDON),
    (S.ACCEPTED, S.CANCELLED): _SENDER_CANCEL,
    (S.IN_PROGRESS, S.COMPLETED): Rule(RECEIVER, "Terminer avec le résultat", needs_outcome=True),
    (S.IN_PROGRESS, S.ABANDONED): Rule(RECEIVER, "Déclarer abandonnée", _ABANDON),
    (S.IN_PROGRESS, S.CANCELLED): _SENDER_CANCEL,
}


# The refusals are the kernel's (one class per kind, each with its code, HTTP status, French and
# English messages); the names the referrals area always used stay importable from here.
TransitionError = TransitionRefused


def parse_status(value) -> OrientationStatus:
    return ORIENTATION.parse(value)


def rule_for(from_status: OrientationStatus, to_status: OrientationStatus) -> Rule | None:
    return TRANSITIONS.get((from_status, to_status))


def sides_of(orientation: Orientation, actor: User | None, organisation=None) -> frozenset[Side]:
    """The sides `actor` (acting for `organisation`, or any of theirs) may act on; SYSTEM without actor."""
    from orientation.referrals.models import Reception

    if actor is None:
        return SYSTEM
    if isinstance(actor, LinkHolder):  # its own orientation only, while it is reached by link
        reached = orientation.reception is Reception.LINK and actor.orientation_id == orientation.id
        return RECEIVER if reached and orientation.status is not S.DRAFT else frozenset()
    organisation_id = getattr(organisation, "id", organisation)
    member_of = {m.organisation_id for m in actor.memberships}
    if organisation_id is not None:
        member_of &= {organisation_id}
    sides = set()
    if orientation.sender_organisation_id in member_of:
        sides.add(Side.SENDER)
        if orientation.reception is Reception.SENDER and orientation.status is not S.DRAFT:
            sides.add(Side.RECEIVER)  # a « Contact direct » service: the sender records what came of it
    if orientation.receiver_organisation_id in member_of and orientation.status is not S.DRAFT:
        sides.add(Side.RECEIVER)
    return frozenset(sides)


def allowed_transitions(orientation: Orientation, actor: User | None, organisation=None) -> list:
    """[(to_status, rule)] the actor may attempt now (for the buttons of a page)."""
    sides = sides_of(orientation, actor, organisation)
    return [(to, rule) for to, rule in ORIENTATION.moves_from(orientation.status) if rule.sides & sides]


def open_draft(orientation: Orientation, *, actor: User, organisation) -> OrientationEvent:
    """Give a new orientation its first status (draft) and its first event."""
    from orientation.referrals.models import OrientationEvent

    now = clock.now()
    orientation.status = S.DRAFT
    orientation.version = 1
    orientation.created_at = orientation.last_activity_at = now
    db.session.add(orientation)
    db.session.flush()
    event = OrientationEvent(
        orientation_id=orientation.id,
        at=now,
        actor_user_id=actor.id,
        actor_organisation_id=getattr(organisation, "id", organisation),
        side=Side.SENDER,
        from_status=None,
        to_status=S.DRAFT,
        version=1,
    )
    db.session.add(event)
    db.session.flush()
    return event


def transition(
    orientation: Orientation | int,
    to_status: OrientationStatus | str,
    *,
    actor: User | None = None,
    organisation=None,
    reason: Reason | str | None = None,
    note: str | None = None,
    outcome: Outcome | str | None = None,
    outcome_details: dict | None = None,
    expected_version: int | None = None,
    redirect_service_id: int | None = None,
) -> OrientationEvent:
    """Move `orientation` to `to_status` on behalf of `actor` (None: the system); flush, never commit.

    Raises InvalidTransition, TransitionForbidden or TransitionConflict (the kernel's refusals); on a
    refusal nothing is written. The other side is told (the closed loop). `outcome_details`: when
    completing, the answers in the orientation's volet's words ({kind: [codes]}, see outcome_details).
    """
    from orientation.referrals.models import Orientation

    if isinstance(orientation, int):
        found = db.session.get(Orientation, orientation)
        if found is None:
            raise InvalidTransition(
                "Cette orientation n'existe pas.", "This orientation does not exist.", code="not_found", status=404
            )
        orientation = found
    event = ORIENTATION.transition(
        orientation,
        to_status,
        actor=actor,
        expected_version=expected_version,
        then=_after_move,
        organisation=organisation,
        reason=reason,
        note=note,
        outcome=outcome,
        outcome_details=outcome_details,
        redirect_service_id=redirect_service_id,
    )
    from orientation.referrals.notifications import notify_transition  # notifications imports this module

    notify_transition(orientation, event)  # the other side learns it: the closed loop
    return event


class OrientationMachine(Machine):
    """The orientation's machine over TRANSITIONS: sides, reasons, outcome, timestamps, OrientationEvent."""

    states = OrientationStatus
    table = TRANSITIONS

    def illegal(self, obj, from_status, to_status) -> InvalidTransition:
        return InvalidTransition(
            _illegal_message(from_status, to_status),
            f"An orientation in status '{from_status.value}' cannot move to '{to_status.value}'.",
        )

    def conflict(self, obj) -> TransitionConflict:
        return TransitionConflict(
            _conflict_message(obj),
            "Someone changed the orientation at the same time: nothing was saved; read it again.",
        )

    def check(self, move: Move) -> None:
        side = _side_for(move.obj, move.actor, move.organisation, move.rule)
        reason, note = _checked_reason(move.rule, move.reason, move.note, side)
        move.details.update(side=side, reason=reason, note=note, outcome=_checked_outcome(move.rule, move.outcome))
        from orientation.referrals import outcome_details  # its model reads the machine's refusals

        move.details["outcome_details"] = outcome_details.check(
            move.obj.volet, move.details.get("outcome_details"), completing=move.rule.needs_outcome
        )

    def values(self, move: Move) -> dict:
        values = {"last_activity_at": move.at, **_timestamps(move.obj, move.to_state, move.at)}
        if move.to_state is S.COMPLETED:
            values["outcome"] = move.outcome
        if move.to_state is S.REDIRECTED and move.redirect_service_id:
            values["redirected_to_service_id"] = int(move.redirect_service_id)
        return values

    def event(self, move: Move, version: int) -> OrientationEvent:
        from orientation.referrals.models import OrientationEvent

        return OrientationEvent(
            orientation_id=move.obj.id,
            at=move.at,
            actor_user_id=actor_user_id(move.actor),
            actor_email=actor_email(move.actor),
            actor_organisation_id=_organisation_id(move.obj, move.side, move.organisation),
            side=move.side,
            from_status=move.from_state,
            to_status=move.to_state,
            reason=move.reason,
            note=move.note,
            outcome=move.outcome,
            version=version,
        )


ORIENTATION = OrientationMachine()


def _side_for(orientation, actor, organisation, rule: Rule) -> Side:
    sides = sides_of(orientation, actor, organisation) & rule.sides
    if sides:
        # A sender who also follows the orientation (contact direct) acts as sender where both may.
        return Side.SENDER if Side.SENDER in sides else next(iter(sides))
    if actor is None:
        raise TransitionForbidden(
            "Ce changement doit être fait par une personne, pas automatiquement.",
            "This change must be made by a person, not automatically.",
        )
    if rule.sides == SYSTEM:
        raise TransitionForbidden(
            "Ce changement est fait automatiquement : il ne peut pas être demandé.",
            "This change is made automatically; it cannot be asked for.",
            code="system_only",
        )
    if Side.RECEIVER in rule.sides:
        who, en = "la structure destinataire", "Only the receiving organisation may make this change."
    else:
        who, en = "la structure qui a orienté", "Only the sending organisation may make this change."
    raise TransitionForbidden(f"Seule {who} peut faire cette action (« {rule.action} »).", en)


def _checked_reason(rule: Rule, reason, note, side: Side) -> tuple[Reason | None, str | None]:
    note = (note or "").strip() or None
    if not rule.reasons:
        return None, note
    allowed = ", ".join(value.value for value in rule.reasons if value is not R.CONSENT_WITHDRAWN)
    required_en = f"A reason is required for this change, one of: {allowed}."
    if not reason:
        raise InvalidTransition(f"Indiquez un motif pour « {rule.action} ».", required_en, code="reason_required")
    try:
        reason = Reason(reason)
    except ValueError:
        raise InvalidTransition(
            "Ce motif n'existe pas : choisissez-en un dans la liste.", required_en, code="reason_invalid"
        ) from None
    if reason not in rule.reasons or (reason is R.CONSENT_WITHDRAWN and side is not Side.SYSTEM):
        raise InvalidTransition(
            f"Le motif « {reason.label} » ne convient pas pour « {rule.action} ».", required_en, code="reason_invalid"
        )
    if reason is R.OTHER and not note:
        raise InvalidTransition(
            "Précisez le motif « Autre » dans le commentaire.",
            "Explain the reason 'other' in 'note'.",
            code="note_required",
        )
    return reason, note


def _checked_outcome(rule: Rule, outcome) -> Outcome | None:
    if not rule.needs_outcome:
        if outcome:
            raise InvalidTransition(
                "Un résultat ne s'indique qu'en terminant l'orientation.",
                "An outcome is only given when completing the orientation.",
                code="outcome_unexpected",
            )
        return None
    required_en = "An outcome is required to complete the orientation: met, partly_met or not_met."
    if not outcome:
        raise InvalidTransition(
            "Indiquez le résultat de l'accompagnement pour terminer l'orientation.",
            required_en,
            code="outcome_required",
        )
    try:
        return Outcome(outcome)
    except ValueError:
        raise InvalidTransition(
            "Ce résultat n'existe pas : choisissez-en un dans la liste.", required_en, code="outcome_invalid"
        ) from None


def _timestamps(orientation: Orientation, to_status, now: datetime) -> dict:
    values = {}
    if to_status is S.SENT:  # delays: settings, overridden per service (referrals.followups)
        from orientation.followups.overrides import add_delay
        from orientation.referrals.followups import EXPIRY, UNDECIDED

        service_id = orientation.service_id
        values.update(
            sent_at=now,
            expires_at=add_delay(EXPIRY, now, service_id=service_id),
            decision_due_at=add_delay(UNDECIDED, now, service_id=service_id),
        )
    if to_status in (S.RECEIVED, S.ACCEPTED, S.DECLINED, S.REDIRECTED) and orientation.received_at is None:
        values["received_at"] = now
    if to_status in (S.ACCEPTED, S.DECLINED, S.REDIRECTED):
        values["decided_at"] = now
    if to_status in CLOSED_STATUSES:
        values["closed_at"] = now
    return values


def _organisation_id(orientation, side: Side, organisation) -> int | None:
    if organisation is not None:
        return getattr(organisation, "id", organisation)
    return {Side.SENDER: orientation.sender_organisation_id, Side.RECEIVER: orientation.receiver_organisation_id}.get(
        side
    )


def _after_move(move: Move, event) -> None:
    if move.details.get("outcome_details"):
        from orientation.referrals import outcome_details

        outcome_details.record(move.obj.id, event, move.outcome_details)
    _close_met_needs(move, event)
    if move.to_state in CLOSED_STATUSES:  # the loop without holes: no rendez-vous of a closed orientation
        from orientation.referrals.appointment_lifecycle import stop_with_orientation  # it imports this module

        stop_with_orientation(move.obj, move.actor)


def check_transition(orientation: Orientation, to_status, *, actor, **details) -> None:
    """Check a move without making it (a confirmation page is shown only for a move that would be accepted)."""
    ORIENTATION.validate(orientation, to_status, actor=actor, organisation=details.pop("organisation", None), **details)


def _close_met_needs(move: Move, _event) -> None:
    """The parcours closes on the need's outcome: a need met by this orientation is closed."""
    from orientation.people.models import NeedStatus

    if move.to_state is not S.COMPLETED or move.outcome is not Outcome.MET:
        return
    for need in move.obj.needs:
        if need.status is NeedStatus.OPEN:
            need.status = NeedStatus.MET
            need.closed_at = move.at


def _illegal_message(from_status: OrientationStatus, to_status: OrientationStatus) -> str:
    if from_status.is_closed:
        return f"Cette orientation est déjà « {from_status.label} » : elle ne peut plus passer à « {to_status.label} »."
    if from_status is to_status:
        return f"Cette orientation est déjà « {from_status.label} »."
    return f"Une orientation « {from_status.label} » ne peut pas passer à « {to_status.label} »."


def _conflict_message(orientation: Orientation) -> str:
    db.session.refresh(orientation)
    return (
        "Quelqu'un vient de modifier cette orientation en même temps que vous : elle est maintenant "
        f"« {orientation.status.label} ». Votre action n'a pas été enregistrée ; relisez-la et recommencez "
        "si besoin."
    )
