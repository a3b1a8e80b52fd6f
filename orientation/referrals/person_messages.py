"""Short messages to the person about their orientation: with their agreement, on their channel.

- sent: who will call them (the receiving structure and its phone) and by when at the latest (the
  decision due date);
- accepted: the structure will call to fix a rendez-vous (or the rendez-vous, if one is planned by then);
- a rendez-vous set: its day, hour and place;
- declined: the structure that oriented them will propose another solution.
An orientation its sender follows (« Contact direct ») has nobody to call the person: only its
rendez-vous are told. Each message is an outbox row written in the transaction of the change (ids, not
content), delivered by the worker; none without the person's agreement (`Person.messages_channel`), a
contact for that channel, or a valid consent, and the delivery checks it all again
(`person_message_refusal`). Each message is logged in the person's journal as a use of their contact.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orientation import clock, french
from orientation.audit.models import AuditAction, PersonAccessLog
from orientation.audit.operations import current_actor, entry_values
from orientation.directory.hours import DAY_NAMES
from orientation.extensions import db
from orientation.notifications.models import Channel, SubjectType
from orientation.notifications.operations import enqueue_messages, message_values
from orientation.notifications.preferences import register_recipient_check
from orientation.notifications.rendering import register_context_builder
from orientation.people.models import ContactPreference, MessagesChannel
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Appointment, AppointmentChannel, AppointmentStatus, Orientation, Reception

PREFIX = "person_"
SENT, ACCEPTED, DECLINED = "person_orientation_sent", "person_orientation_accepted", "person_orientation_declined"
APPOINTMENT = "person_appointment"
TEMPLATES = {S.SENT: SENT, S.ACCEPTED: ACCEPTED, S.DECLINED: DECLINED}
PURPOSE = "referrals.person_message"  # the journal's purpose (audit.wording)


def channel_of(person) -> tuple[Channel, str] | None:
    """The channel and address the person agreed to be written to, if any."""
    if person.anonymised_at is not None or person.contact_preference is ContactPreference.NO_DIRECT_CONTACT:
        return None
    if person.messages_channel is MessagesChannel.SMS and person.phone:
        return Channel.SMS, person.phone.strip()
    if person.messages_channel is MessagesChannel.EMAIL and person.email:
        return Channel.EMAIL, person.email.strip()
    return None


def _with_consent(orientation: Orientation) -> bool:
    return orientation.consent.withdrawn_at is None and orientation.person.valid_consent() is not None


def tell_of_transition(orientation: Orientation, event) -> None:
    """Called with the closed loop's e-mails (`notifications.notify_transition`), same transaction."""
    template = TEMPLATES.get(event.to_status)
    if template is None or orientation.reception is Reception.SENDER:
        return
    _enqueue(orientation, template, f"orientation:{orientation.id}:person:{event.to_status.value}", {})


def tell_of_appointment(appointment: Appointment, orientation: Orientation) -> None:
    """A rendez-vous just planned: its day, hour and place (not one already past)."""
    if appointment.status is not AppointmentStatus.PLANNED or appointment.has_started:
        return
    _enqueue(
        orientation,
        APPOINTMENT,
        f"appointment:{appointment.id}:person:planned",
        {"appointment": appointment},
        valid_until=appointment.starts_at,
    )


def _enqueue(orientation: Orientation, template: str, key: str, context: dict, valid_until=None) -> None:
    found = channel_of(orientation.person)
    if found is None or not _with_consent(orientation):
        return
    channel, address = found
    inserted = enqueue_messages(
        [
            message_values(
                channel,
                address,
                template,
                {"orientation": orientation, **context},
                idempotency_key=key,
                valid_until=valid_until,
                subject_type=SubjectType.ORIENTATION,
                subject_id=orientation.id,
            )
        ]
    )
    for message_id in inserted:  # a known key adds no message, nor a line to the journal
        _log_use(orientation, message_id, channel)


def _log_use(orientation: Orientation, message_id: int, channel: Channel) -> None:
    """The person's journal: their phone or e-mail was used for this message (by whoever acted)."""
    user_id, organisation_id = current_actor()
    db.session.add(
        PersonAccessLog(
            **entry_values(
                person_id=orientation.person_id,
                action=AuditAction.READ,
                purpose=PURPOSE,
                user_id=user_id,
                organisation_id=organisation_id,
                orientation_id=orientation.id,
                target="outbox_messages",
                target_id=message_id,
                fields=["phone" if channel is Channel.SMS else "email"],
            )
        )
    )


@register_recipient_check
def person_message_refusal(message) -> str | None:
    """At delivery: still agreed, same address, consent valid, orientation not cancelled, rendez-vous planned."""
    if not message.template.startswith(PREFIX) or message.subject_type is not SubjectType.ORIENTATION:
        return None
    with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
        orientation = session.get(Orientation, message.subject_id)
        if orientation is None:
            return "orientation supprimée"
        found = channel_of(orientation.person)
        if found is None or found != (message.channel, message.recipient):
            return "la personne ne souhaite plus recevoir de messages, ou ses coordonnées ont changé"
        if not _with_consent(orientation):
            return "consentement de la personne retiré ou expiré"
        if orientation.status is S.CANCELLED:
            return "orientation annulée"
        if message.template == APPOINTMENT:
            appointment = session.get(Appointment, (message.context.get("appointment") or {}).get("id"))
            if appointment is None or appointment.status is not AppointmentStatus.PLANNED:
                return "rendez-vous annulé ou déjà passé"
    return None


# ---- the words: computed at delivery time, from what the database holds then ------------------------


def day_fr(value: datetime) -> str:
    """« lundi 14 décembre » (Paris time)."""
    local = value.astimezone(clock.PARIS)
    return f"{DAY_NAMES[local.weekday()]} {french.day_month(local)}"


def hour_fr(value: datetime) -> str:
    """« 9 h », « 10 h 30 » (Paris time)."""
    local = value.astimezone(clock.PARIS)
    return f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")


def appointment_words(appointment: Appointment) -> dict:
    """when: « lundi 14 décembre à 10 h 30 »; where: the place, or how it is held when not on site."""
    where = appointment.place.strip() if appointment.place else ""
    if appointment.channel is not AppointmentChannel.IN_PERSON:
        where = appointment.channel.label.lower() + (f", {where}" if where else "")
    return {"when": f"{day_fr(appointment.starts_at)} à {hour_fr(appointment.starts_at)}", "where": where}


def planned_appointment(orientation: Orientation) -> Appointment | None:
    now = clock.now()
    return next(
        (a for a in orientation.appointments if a.status is AppointmentStatus.PLANNED and a.starts_at > now), None
    )


def _words(context: dict, _session) -> dict:
    orientation = context["orientation"]
    appointment = context.get("appointment") or planned_appointment(orientation)
    return {
        **context,
        "receiver": orientation.receiver_title,
        "service_name": orientation.service.name,
        "phone": orientation.receiver_phone,
        "deadline": day_fr(orientation.decision_due_at) if orientation.decision_due_at else None,
        "sender": orientation.sender_organisation.name,
        "sender_phone": orientation.sender_organisation.phone,
        "rendez_vous": appointment_words(appointment) if appointment is not None else None,
    }


for _template in (SENT, ACCEPTED, DECLINED, APPOINTMENT):
    register_context_builder(_template)(_words)
