"""What the referrals area offers the layout: its menu entries and home cards."""

from orientation import signals
from orientation.extensions import db
from orientation.french import datetime_fr
from orientation.notifications.models import EventKind, SubjectType
from orientation.notifications.operations import notify_users
from orientation.notifications.queries import register_subject_page
from orientation.referrals import (
    appointment_lifecycle,
    confirmations,
    handover,
    lifecycle,
    notifications,
    person_messages,
    queries,
)
from orientation.referrals.models import Orientation, Reception
from orientation.referrals.operations import OrientationRefused
from orientation.signals import HomeCard, MenuItem


@signals.consent_withdrawn.connect
def _stop_orientations_of_consent(consent, user):
    """Pending orientations under a withdrawn consent stop: cancelled by the system."""
    stopped = 0
    for orientation in queries.list_pending_orientations_of_consent(consent.id):
        lifecycle.transition(
            orientation,
            lifecycle.OrientationStatus.CANCELLED,
            actor=None,
            reason=lifecycle.Reason.CONSENT_WITHDRAWN,
            note="Consentement retiré par la personne.",
        )
        stopped += 1
    return stopped


@signals.need_closed.connect
def _settle_rendez_vous_of_need(need, user, answers):
    """The sender closed a need: what became of the rendez-vous still planned for it, as they answered."""
    answers = confirmations.answers_of(answers)
    for orientation in queries.list_open_orientations_of_need(need.id):
        for appointment in confirmations.planned(orientation):
            answer = answers.get(appointment.id)
            if not answer:
                raise OrientationRefused(
                    "Un rendez-vous est encore prévu pour ce besoin : dites ce qu'il est devenu avant de le clôturer."
                )
            appointment_lifecycle.settle(appointment, answer, actor=user, closing_need=True)


@signals.structure_attached.connect
def _hand_over(structure, organisation, service_ids=None):
    """A structure reached by link now has members: its pending orientations go to their inbox."""
    handover.hand_over_linked_orientations(structure.id, organisation.id, service_ids=service_ids)


def person_orientations(person) -> dict:
    """The referrals part of a person's file: their orientations, the timeline, and which needs are oriented."""
    orientations = queries.list_orientations_of_person(person.id)
    return {
        "orientations": orientations,
        "timeline": queries.person_timeline(person.id, orientations),
        "needs_orientations": queries.needs_in_orientations(person.id),
    }


@signals.template_helpers.connect
def _helpers(app):
    return {"person_orientations": person_orientations}


@signals.menu_items.connect
def _menu(user, membership=None):
    if not user.memberships:
        return None
    return [
        MenuItem(40, "referrals.inbox", "Orientations reçues"),
        MenuItem(50, "referrals.sent", "Orientations envoyées"),
    ]


@signals.menu_entry_of_page.connect
def _menu_entry(endpoint, view_args, membership=None):
    """The form and the sender's side of an orientation are under « Orientations envoyées »."""
    if endpoint == "referrals.create":
        return "referrals.sent"
    orientation_id = view_args.get("orientation_id")
    if not endpoint.startswith("referrals.") or orientation_id is None or membership is None:
        return None
    orientation = db.session.get(Orientation, orientation_id)
    if orientation is None:
        return None
    if orientation.sender_organisation_id == membership.organisation_id:
        return "referrals.sent"
    return "referrals.inbox"


@signals.home_cards.connect
def _home(user, membership=None):
    if membership is None:
        return None
    counts = queries.home_counts(membership.organisation_id, user.id)
    inbox, since = queries.InboxTab, counts.changed_since.isoformat()
    return [
        HomeCard.counting(
            31,
            counts.new,
            ("nouvelle orientation reçue", "nouvelles orientations reçues"),
            "À ouvrir : la personne attend qu'on l'appelle.",
            "referrals.inbox",
            onglet=inbox.NEW.value,
        ),
        HomeCard.counting(
            32,
            counts.to_decide,
            ("orientation à décider", "orientations à décider"),
            "Reçues, sans réponse encore : accepter, refuser ou réorienter.",
            "referrals.inbox",
            onglet=inbox.TO_DECIDE.value,
        ),
        HomeCard.counting(
            33,
            counts.overdue,
            ("orientation en retard", "orientations en retard"),
            "Le délai de réponse est passé.",
            "referrals.inbox",
            onglet=inbox.OVERDUE.value,
        ),
        HomeCard.counting(
            41,
            counts.changed,
            ("orientation envoyée a changé", "orientations envoyées ont changé"),
            "Depuis votre dernière visite de la liste.",
            "referrals.sent",
            depuis=since,
        ),
        HomeCard.counting(
            42,
            counts.appointments_this_week,
            (
                "orientation envoyée a un rendez-vous cette semaine",
                "orientations envoyées ont un rendez-vous cette semaine",
            ),
            "Rendez-vous prévus d'ici dimanche.",
            "referrals.sent",
            rdv="semaine",
        ),
        HomeCard(
            30,
            "Orientations reçues",
            "Accuser réception, décider, fixer les rendez-vous et donner le résultat.",
            "referrals.inbox",
        ),
        HomeCard(
            40,
            "Orientations envoyées",
            "Savoir où en est chaque personne orientée, jusqu'au résultat.",
            "referrals.sent",
        ),
    ]


# In-app notifications open the orientation's page.
register_subject_page(SubjectType.ORIENTATION, "referrals.show", "orientation_id")


@signals.appointment_changed.connect
def _tell_sender_in_app(appointment, orientation):
    """No e-mail goes for a rendez-vous, but the sender sees it among their notifications (the same
    recipients as the orientation's e-mails to the sender)."""
    if orientation.reception is Reception.SENDER:
        return  # the sender set it themselves
    when = datetime_fr(appointment.starts_at)
    title = f"Orientation n° {orientation.id} : rendez-vous {appointment.status.label.lower()} ({when})"
    notify_users(
        [user.id for user in notifications.sender_recipients(orientation)],
        EventKind.ORIENTATION_CHANGED,
        SubjectType.ORIENTATION,
        orientation.id,
        title,
    )


@signals.appointment_changed.connect
def _tell_person_of_rendez_vous(appointment, orientation):
    """A rendez-vous just planned: the person is told, if they agreed to messages."""
    person_messages.tell_of_appointment(appointment, orientation)
