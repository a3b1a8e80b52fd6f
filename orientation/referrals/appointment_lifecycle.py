"""The rendez-vous lifecycle: its transition table and machine (the state-machine kernel).

    planned → done | missed     once its time has come
    planned → cancelled         before its time

The receiving structure notes what became of a rendez-vous. What closes its orientation settles it
too: the orientation closed (cancelled by its sender, by the system when consent is withdrawn, or
closed through the API), its rendez-vous to come are cancelled with it (`stop_with_orientation`);
the sender closing the need it served says what became of it (`closing_need=True`). Each change is applied by a
conditional UPDATE on the appointment's `version` (two notes at once: exactly one wins) and writes an
immutable AppointmentEvent. The chronologies show the appointment's own `status_changed_*` columns.
"""

from __future__ import annotations

from orientation.referrals.lifecycle import Side, actor_email, actor_user_id, sides_of
from orientation.referrals.models import Appointment, AppointmentEvent, AppointmentStatus
from orientation.statemachine import InvalidTransition, Machine, Move, Rule, TransitionConflict, TransitionForbidden

A = AppointmentStatus
RECEIVER = frozenset({"receiver"})


class AppointmentRefused(InvalidTransition):
    """A refused note on a rendez-vous (French message for the user)."""

    api_code = "appointment_refused"

    default_en = "Planned appointments are cancelled before their time, marked done or missed after it, once."


def _after_its_time(move: Move) -> None:
    if not move.obj.has_started:
        raise AppointmentRefused(
            "Un rendez-vous ne peut être noté honoré ou non honoré qu'une fois son heure venue.", code="too_early"
        )


def _before_its_time(move: Move) -> None:
    if move.obj.has_started:
        raise AppointmentRefused("Ce rendez-vous est passé : notez-le honoré ou non honoré.", code="too_late")


# (from, to) → rule. Anything not listed is illegal.
TRANSITIONS: dict[tuple[AppointmentStatus, AppointmentStatus], Rule] = {
    (A.PLANNED, A.DONE): Rule(RECEIVER, "Honoré", guard=_after_its_time),
    (A.PLANNED, A.MISSED): Rule(RECEIVER, "Non honoré", guard=_after_its_time),
    (A.PLANNED, A.CANCELLED): Rule(RECEIVER, "Annuler le rendez-vous", guard=_before_its_time),
}


class AppointmentMachine(Machine):
    states = AppointmentStatus
    table = TRANSITIONS
    invalid = AppointmentRefused

    def illegal(self, obj: Appointment, from_status, to_status) -> AppointmentRefused:
        if from_status is not A.PLANNED:
            return AppointmentRefused(
                f"Ce rendez-vous est déjà noté « {from_status.label.lower()} ».", code="illegal_transition"
            )
        return AppointmentRefused("Choisissez ce qu'il est advenu du rendez-vous.", code="illegal_transition")

    def conflict(self, obj: Appointment) -> TransitionConflict:
        from orientation.extensions import db

        db.session.refresh(obj)
        return TransitionConflict(
            "Quelqu'un vient de noter ce rendez-vous en même temps que vous : il est maintenant "
            f"« {obj.status.label.lower()} ». Votre action n'a pas été enregistrée ; relisez-le et recommencez "
            "si besoin.",
            "Someone changed the appointment at the same time: nothing was saved; read it again.",
        )

    def check(self, move: Move) -> None:
        sides = sides_of(move.obj.orientation, move.actor)
        if move.actor is not None and Side.RECEIVER in sides:
            return
        if move.to_state is A.CANCELLED and move.obj.orientation.status.is_closed:
            return  # cancelled with its orientation, whoever closed it
        if move.details.get("closing_need") and Side.SENDER in sides:
            return  # the sender closes the need it served and says what became of it
        raise TransitionForbidden(
            "Seule la structure destinataire fixe et suit les rendez-vous.",
            "Only the receiving organisation sets and follows appointments.",
        )

    def values(self, move: Move) -> dict:
        return {"status_changed_by_id": actor_user_id(move.actor), "status_changed_at": move.at}

    def event(self, move: Move, version: int) -> AppointmentEvent:
        return AppointmentEvent(
            appointment_id=move.obj.id,
            orientation_id=move.obj.orientation_id,
            at=move.at,
            actor_user_id=actor_user_id(move.actor),
            actor_email=actor_email(move.actor),
            from_status=move.from_state,
            to_status=move.to_state,
            version=version,
        )


APPOINTMENT = AppointmentMachine()


def transition(
    appointment: Appointment, to_status, *, actor, expected_version: int | None = None, closing_need: bool = False
):
    """Note what became of `appointment` (flush, never commit); raises the kernel's refusals."""
    return APPOINTMENT.transition(
        appointment, to_status, actor=actor, expected_version=expected_version, closing_need=closing_need
    )


def settle(appointment: Appointment, to_status, *, actor, closing_need: bool = False) -> None:
    """Note it, and what it stops: a reminder not yet sent goes with a cancelled or past rendez-vous."""
    from orientation.notifications.models import SubjectType
    from orientation.notifications.operations import cancel_messages
    from orientation.referrals.notifications import notify_appointment

    transition(appointment, to_status, actor=actor, closing_need=closing_need)
    cancel_messages(SubjectType.APPOINTMENT, appointment.id, reason=f"Rendez-vous {appointment.status.label.lower()}.")
    notify_appointment(appointment.orientation, appointment)


def stop_with_orientation(orientation, actor) -> int:
    """The orientation closed: its rendez-vous to come are cancelled (their reminders with them).

    Those whose time has come and that nobody noted stay « prévu » (the reminder rule and the delivery
    check never send for them: past, or their orientation closed). Returns how many were cancelled.
    """
    to_come = [a for a in orientation.appointments if a.status is A.PLANNED and not a.has_started]
    for appointment in to_come:
        settle(appointment, A.CANCELLED, actor=actor)
    return len(to_come)
