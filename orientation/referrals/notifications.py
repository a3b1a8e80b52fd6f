"""Who is told what when an orientation moves: the closed loop, by e-mail, through the outbox.

Every transition tells the other side: a new orientation is announced to the receiving
structure; a decision, a redirection, an outcome or an expiry is reported to the sender; a
cancellation is reported to the receiver. E-mails carry no personal data (no name, no detail):
only the volet, the service, the structures and a link to the orientation page, where the
need-to-know rules apply. Messages are rows of the outbox written in the same transaction as the
change (`enqueue_message`), so they are never lost nor sent for a change that was rolled back.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from orientation import signals
from orientation.auth.models import User
from orientation.extensions import db
from orientation.notifications.models import SubjectType
from orientation.notifications.operations import cancel_messages, enqueue_messages, message_values
from orientation.notifications.preferences import register_recipient_check
from orientation.organisations.models import Membership, Organisation
from orientation.people.models import ContactPreference
from orientation.referrals import person_messages
from orientation.referrals.lifecycle import OrientationStatus, Side
from orientation.referrals.models import Appointment, AppointmentStatus, Reception

S = OrientationStatus
REMINDER_SUBJECT = SubjectType.ORIENTATION_REMINDER  # cancelled when the orientation moves

# to_status → who is told
TELL_RECEIVER = {S.SENT, S.CANCELLED}
TELL_SENDER = {S.ACCEPTED, S.DECLINED, S.REDIRECTED, S.COMPLETED, S.ABANDONED, S.EXPIRED, S.CANCELLED}


_CACHE = "orientation.referral_notifications"  # per-transaction memo of members and digest choices


def _cache() -> dict:
    return db.session().info.setdefault(_CACHE, {"members": {}, "digest": None})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def members_of(organisation_id: int) -> list[User]:
    """Active members of an organisation (agents and managers), the recipients of its e-mails."""
    members = _cache()["members"]
    if organisation_id not in members:
        prefetch_members({organisation_id})
    return members[organisation_id]


def prefetch_members(organisation_ids: set[int]) -> None:
    """Load the members of many organisations in one query (a reminder sweep touches thousands)."""
    members = _cache()["members"]
    missing = set(organisation_ids) - set(members)
    if not missing:
        return
    for organisation_id in missing:
        members[organisation_id] = []
    rows = db.session.execute(
        db.select(Membership.organisation_id, User)
        .join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(missing), User.active.is_(True))
        .order_by(User.id)
    ).all()
    for organisation_id, user in rows:
        members[organisation_id].append(user)


def wants_digest(organisation_id: int) -> bool:
    """Whether the organisation chose the daily digest (all choices loaded at once, per transaction)."""
    cache = _cache()
    if cache["digest"] is None:
        cache["digest"] = set(
            db.session.scalars(db.select(Organisation.id).where(Organisation.notification_digest.is_(True)))
        )
    return organisation_id in cache["digest"]


def sender_recipients(orientation) -> list[User]:
    """The agent who sent it when still active in the sending structure, else the structure's members."""
    user = orientation.sender_user
    if (
        user is not None
        and user.active
        and any(m.organisation_id == orientation.sender_organisation_id for m in user.memberships)
    ):
        return [user]
    return members_of(orientation.sender_organisation_id)


def email_rows(
    orientation,
    users: list[User],
    template: str,
    key: str,
    *,
    organisation_id: int,
    subject_type: SubjectType = SubjectType.ORIENTATION,
    **context,
) -> list[dict]:
    """Outbox rows: one e-mail per user (or into their daily digest when their structure chose it)."""
    digest = wants_digest(organisation_id)
    return [
        message_values(
            "email",
            user.email,
            template,
            {"orientation": orientation, "recipient": user, **context},
            idempotency_key=f"orientation:{orientation.id}:{key}:user:{user.id}",
            recipient_user_id=user.id,
            subject_type=subject_type,
            subject_id=orientation.id,
            digest_key=f"org:{organisation_id}:user:{user.id}" if digest else None,
            deliver_as_digest=digest,
        )
        for user in users
    ]


def email_members(orientation, users: list[User], template: str, key: str, **options) -> None:
    enqueue_messages(email_rows(orientation, users, template, key, **options))


def notify_appointment(orientation, appointment) -> None:
    """A rendez-vous set, honoured, missed or cancelled: other areas learn it (the API's webhooks)."""
    signals.appointment_changed.send(appointment, orientation=orientation)


def notify_transition(orientation, event) -> None:
    """Called by lifecycle.transition() after each change (same transaction)."""
    cancel_messages(REMINDER_SUBJECT, orientation.id, reason="l'orientation a changé de statut")
    # Other areas learn it (the API queues its webhooks), in this transaction: through the outbox.
    signals.orientation_changed.send(orientation, event=event)
    to_status = event.to_status
    if event.from_status is S.DRAFT and to_status is S.CANCELLED:
        return  # a draft nobody else has seen
    key = f"event:{event.id}"
    person_messages.tell_of_transition(orientation, event)  # with their agreement, on their channel
    if to_status in TELL_RECEIVER and event.side is not Side.RECEIVER:
        tell_receiver(orientation, event, key)
    followed_by_sender = orientation.reception is Reception.SENDER and event.side is Side.RECEIVER
    if to_status in TELL_SENDER and event.side is not Side.SENDER and not followed_by_sender:  # not of their own act
        email_members(
            orientation,
            sender_recipients(orientation),
            "orientation_update",
            key,
            organisation_id=orientation.sender_organisation_id,
            event=event,
            for_side="sender",
        )


def tell_receiver(orientation, event, key: str) -> None:
    """The receiving side learns a new orientation or a cancellation, however it is reached."""
    template = "orientation_new" if event.to_status is S.SENT else "orientation_update"
    if orientation.reception is Reception.MEMBERS:
        email_members(
            orientation,
            members_of(orientation.receiver_organisation_id),
            template,
            key,
            organisation_id=orientation.receiver_organisation_id,
            event=event,
            for_side="receiver",
        )
    elif orientation.reception is Reception.LINK:
        from orientation.referrals import links  # links sends through this module

        links.tell_link_receiver(orientation, event, key)
    # Reception.SENDER: nobody on the receiving side (the sender follows it).


@register_recipient_check
def person_contact_refusal(message) -> str | None:
    """At delivery time, a message to the person must still be wanted: preference and consent obeyed.

    Runs inside the delivery, possibly right after a commit: it reads through a short session of
    its own rather than the request's.
    """
    if message.subject_type != SubjectType.APPOINTMENT:
        return None

    with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
        appointment = session.get(Appointment, message.subject_id)
        if appointment is None or appointment.status is not AppointmentStatus.PLANNED:
            return "rendez-vous annulé ou déjà passé"
        if appointment.orientation.status.is_closed:
            return "orientation close"
        person = appointment.orientation.person
        if person.contact_preference in (ContactPreference.NO_DIRECT_CONTACT, ContactPreference.POST):
            return "la personne ne souhaite pas être contactée directement"
        if person.valid_consent() is None:
            return "consentement de la personne retiré ou expiré"
    return None
