"""What the confirmation of a destructive action on orientations says and asks (orientation.confirming).

- Completing, abandoning or cancelling an orientation: its new status, who is told, the needs closed
  with it, and, for each rendez-vous still planned, what became of it (asked of the receiving side,
  which follows rendez-vous; those of a cancelled orientation are cancelled with it).
- Cancelling a rendez-vous: the person gets no reminder, the sending side sees it.
- Withdrawing a consent or closing a need (the people area asks through `signals.consequences`):
  which orientations stop, who is told, and what became of the rendez-vous still planned.
Reads only: the operations do what is said here.
"""

from __future__ import annotations

from orientation import french, signals
from orientation.confirming import Confirmation, Consequence, Question
from orientation.referrals import lifecycle, queries
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Side
from orientation.referrals.models import Appointment, AppointmentStatus, Orientation, Reception

# Moves that end work under way: confirmed first (a decision to accept or decline is not).
CONFIRMED_MOVES = frozenset({S.COMPLETED, S.ABANDONED, S.CANCELLED})
ANSWER_PREFIX = "rendez_vous_"


def asks_confirmation(to_status: str | None) -> bool:
    return to_status in {status.value for status in CONFIRMED_MOVES}


def answers_of(formdata) -> dict[int, str]:
    """{appointment id: status} from the posted `rendez_vous_<id>` answers."""
    answers = {}
    for name, value in formdata.items():
        suffix = name.removeprefix(ANSWER_PREFIX)
        if name.startswith(ANSWER_PREFIX) and suffix.isascii() and suffix.isdigit() and len(suffix) < 10:
            answers[int(suffix)] = value
    return answers


def planned(orientation: Orientation) -> list[Appointment]:
    return [a for a in orientation.appointments if a.status is AppointmentStatus.PLANNED]


def appointment_question(appointment: Appointment, order: int = 50, where: str = "") -> Question:
    """What became of a rendez-vous still planned: honoured or missed once its time has come, else cancelled."""
    if appointment.has_started:
        choices = (
            (AppointmentStatus.DONE.value, "Honoré : la personne est venue"),
            (AppointmentStatus.MISSED.value, "Non honoré"),
        )
        hint = ""
    else:
        choices = ((AppointmentStatus.CANCELLED.value, "Annulé"),)
        hint = "Il n'a pas encore eu lieu : il est annulé, et la personne ne reçoit pas de rappel."
    return Question(
        order,
        f"{ANSWER_PREFIX}{appointment.id}",
        f"Rendez-vous du {french.datetime_fr(appointment.starts_at)}{where} : qu'est-il devenu ?",
        choices,
        hint,
    )


def _told(orientation: Orientation, to_status: S, side: Side) -> str | None:
    if to_status is S.CANCELLED:
        if orientation.reception is Reception.SENDER:
            return None
        return f"Un e-mail prévient {orientation.receiver_name}."
    if orientation.reception is Reception.SENDER:
        return None  # the sender follows it: nobody else to tell
    return f"Un e-mail prévient {orientation.sender_organisation.name}, qui a orienté la personne."


def closing(orientation: Orientation, actor, to_status, *, outcome, action_url: str, back_url: str) -> Confirmation:
    """The confirmation of completing, abandoning or cancelling `orientation`."""
    to_status = lifecycle.parse_status(to_status)
    side = Side.RECEIVER if Side.RECEIVER in lifecycle.sides_of(orientation, actor) else Side.SENDER
    titles = {
        S.COMPLETED: ("Confirmer la fin de l'orientation", "Terminer l'orientation"),
        S.ABANDONED: ("Confirmer l'abandon de l'orientation", "Déclarer l'orientation abandonnée"),
        S.CANCELLED: ("Confirmer l'annulation de l'orientation", "Annuler l'orientation"),
    }
    title, button = titles[to_status]
    result = f" (résultat : {Outcome(outcome).label.lower()})" if to_status is S.COMPLETED and outcome else ""
    consequences = [
        Consequence(
            10, f"L'orientation vers {orientation.service.name} passe à « {to_status.label} »{result} : elle est close."
        ),
        Consequence(40, "Les relances de suivi de cette orientation s'arrêtent."),
    ]
    told = _told(orientation, to_status, side)
    if told:
        consequences.append(Consequence(20, told))
    if to_status is S.COMPLETED and outcome == Outcome.MET.value:
        open_needs = [need.label for need in orientation.needs if need.status.is_open]
        if open_needs:
            consequences.append(Consequence(30, "Besoin clôturé comme satisfait : " + ", ".join(open_needs) + "."))
    questions = []
    for appointment in planned(orientation):
        if Side.RECEIVER in lifecycle.sides_of(orientation, actor) and to_status is not S.CANCELLED:
            questions.append(appointment_question(appointment, 50 + len(questions)))
        elif not appointment.has_started:
            consequences.append(
                Consequence(
                    50,
                    f"Le rendez-vous du {french.datetime_fr(appointment.starts_at)} est annulé ; "
                    "la personne ne reçoit pas de rappel.",
                )
            )
    return Confirmation(title, button, action_url, back_url, consequences, questions)


def cancelling_appointment(appointment: Appointment, *, action_url: str, back_url: str) -> Confirmation:
    orientation = appointment.orientation
    consequences = [
        Consequence(10, f"Le rendez-vous du {french.datetime_fr(appointment.starts_at)} est annulé."),
        Consequence(
            20,
            "La personne ne reçoit pas de rappel."
            if appointment.reminder_agreed
            else "Prévenez la personne vous-même : elle n'avait pas demandé de rappel.",
        ),
    ]
    if orientation.reception is not Reception.SENDER:
        consequences.append(
            Consequence(30, f"{orientation.sender_organisation.name} le voit sur la page de l'orientation.")
        )
    return Confirmation(
        "Confirmer l'annulation du rendez-vous", "Annuler le rendez-vous", action_url, back_url, consequences
    )


# What other areas' destructive actions stop here (people: consent withdrawn, need closed) -----------


@signals.consequences.connect
def _consequences(subject, action: str, **_kwargs):
    if action == "withdraw_consent":
        return _withdrawal(subject)
    if action == "close_need":
        return _need_closure(subject)
    return None


def _withdrawal(consent) -> list:
    stopping = queries.list_pending_orientations_of_consent(consent.id)
    if not stopping:
        return [Consequence(30, "Aucune orientation en cours ne repose sur ce consentement.")]
    items = []
    for orientation in stopping:
        text = f"L'orientation vers {orientation.service.name} est annulée" + (
            f" ; un e-mail prévient {orientation.receiver_name}."
            if orientation.reception is not Reception.SENDER
            else "."
        )
        items.append(Consequence(30, text))
        for appointment in planned(orientation):
            if not appointment.has_started:
                items.append(
                    Consequence(
                        31,
                        f"Son rendez-vous du {french.datetime_fr(appointment.starts_at)} est annulé ; "
                        "la personne ne reçoit pas de rappel.",
                    )
                )
    return items


def _need_closure(need) -> list:
    items = []
    for orientation in queries.list_open_orientations_of_need(need.id):
        items.append(
            Consequence(
                30,
                f"L'orientation vers {orientation.service.name} ({orientation.status.label.lower()}) reste ouverte : "
                f"{orientation.receiver_title} la termine.",
            )
        )
        for appointment in planned(orientation):
            items.append(appointment_question(appointment, 50 + len(items), f" ({orientation.service.name})"))
    return items
