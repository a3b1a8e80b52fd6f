"""The referrals area's follow-up rules and delays, declared to the engine (orientation.followups).

- sent, not opened after 2 working days (per service) → reminder to the receiving structure;
- not decided by `decision_due_at` (5 working days, per service, set when sent) → reminder to the
  receiver, notice to the sender;
- no decision by `expires_at` (30 days, per service, set when sent) → `expired` (the transition
  tells the sender);
- accepted / in progress with no activity for 15 days → follow-up to the receiver (again after
  each new activity: the occurrence is the last activity);
- a rendez-vous within the next 24 hours, the person agreed, the rendez-vous still planned and the
  orientation not closed → SMS or e-mail to the person, as they prefer, not sent after it starts;
- completed 30 days ago (and not more than 14 days after that) → ask the sender whether the service
  was really obtained.
Reminders to structures are cancelled when the orientation moves (`notifications.REMINDER_SUBJECT`).
Orientations another area follows with its own rules (the CPAM's MAS cases) are left to it.

An orientation its sender follows (`Reception.SENDER`, a « Contact direct » service) has nobody on
the receiving side: the rules above that speak to a receiver (not opened, undecided, expiry,
stalled) and the « really obtained? » check (which verifies a receiver's report, while here the
sender recorded the outcome) skip it. Instead its sender is asked what came of it:
- at the usual follow-up date, the undecided delay (per service) after sending or after their last
  note: « La personne a-t-elle été reçue par … ? Qu'en est-il résulté ? »;
- once the person was received (accepted / in progress), the stalled delay after the last activity:
  « Qu'en est-il résulté ? »;
- unanswered, the question is repeated every stalled delay, at most FOLLOWUP_SENDER_FOLLOWED_REMINDERS
  times, then nothing more until the sender writes something (any activity starts the cycle again).
It never expires: expiry says « the receiver did not answer », and here only the sender can know;
it stays open in their sent orientations, overdue, until they record what happened or cancel it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, selectinload

from orientation.auth.models import User
from orientation.extensions import db
from orientation.followups import overrides
from orientation.followups.models import SentFollowUp
from orientation.followups.rules import Delay, Notice, Recipient, Rule, Unit, register
from orientation.notifications.models import SubjectType
from orientation.people.models import ContactPreference
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import CLOSED_STATUSES, Reason
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import (
    Appointment,
    AppointmentStatus,
    Orientation,
    Reception,
    ServiceFollowUpSetting,
)
from orientation.referrals.notifications import (
    REMINDER_SUBJECT,
    members_of,
    prefetch_members,
    sender_recipients,
    wants_digest,
)

log = logging.getLogger(__name__)

UNOPENED = Delay(
    "referrals.unopened",
    "FOLLOWUP_UNOPENED_WORKING_DAYS",
    Unit.WORKING_DAYS,
    per_service=True,
    field="reminder_unopened_days",
)
UNDECIDED = Delay(
    "referrals.undecided",
    "FOLLOWUP_UNDECIDED_WORKING_DAYS",
    Unit.WORKING_DAYS,
    per_service=True,
    field="reminder_undecided_days",
)
EXPIRY = Delay(
    "referrals.expiry",
    "FOLLOWUP_EXPIRY_DAYS",
    Unit.DAYS,
    per_service=True,
    field="expiry_days",
)
STALLED = Delay("referrals.stalled", "FOLLOWUP_STALLED_DAYS", Unit.DAYS)
OBTAINED_CHECK = Delay("referrals.obtained_check", "FOLLOWUP_OBTAINED_CHECK_DAYS", Unit.DAYS)
# Asked only in the two weeks after that: no question about orientations closed long ago.
OBTAINED_CHECK_WINDOW = Delay("referrals.obtained_check_window", "FOLLOWUP_OBTAINED_CHECK_WINDOW_DAYS", Unit.DAYS)
APPOINTMENT = Delay("referrals.appointment", "FOLLOWUP_APPOINTMENT_REMINDER_HOURS", Unit.HOURS)


# Areas that follow some orientations with their own steps and reminders (the CPAM's MAS cases)
# register a SELECT of the service ids to leave to them: these rules then skip those orientations.
_followed_elsewhere: list = []


def leave_services_to(select_service_ids) -> None:
    """Register a callable returning a SELECT of service ids whose orientations another area follows."""
    if select_service_ids not in _followed_elsewhere:
        _followed_elsewhere.append(select_service_ids)


def _followed_here() -> list:
    return [~Orientation.service_id.in_(select()) for select in _followed_elsewhere]


def _with_a_receiver() -> list:
    """The orientations someone receives (members or link): the sender-followed ones have their own rules."""
    return [Orientation.reception != Reception.SENDER, *_followed_here()]


# Recipients ------------------------------------------------------------------------------------


def _users(users, organisation_id: int) -> list[Recipient]:
    digest = wants_digest(organisation_id)
    return [
        Recipient("email", user.email, user, f"org:{organisation_id}:user:{user.id}" if digest else None)
        for user in users
    ]


def receiver_members(orientation: Orientation) -> list[Recipient]:
    """Whoever works the receiving side: the members, the address reached by link, or the sender."""
    if orientation.reception is Reception.LINK:
        return [Recipient("email", orientation.receiver_email)]
    if orientation.reception is Reception.SENDER:
        return sender_of(orientation)
    return _users(members_of(orientation.receiver_organisation_id), orientation.receiver_organisation_id)


def sender_of(orientation: Orientation) -> list[Recipient]:
    return _users(sender_recipients(orientation), orientation.sender_organisation_id)


def person_channel(person) -> tuple[str, str] | None:
    """How the person accepts to be reminded: SMS (or a phone call preference) → SMS, e-mail → e-mail."""
    preference = person.contact_preference
    if preference in (ContactPreference.SMS, ContactPreference.PHONE) and person.phone:
        return "sms", person.phone
    if preference is ContactPreference.EMAIL and person.email:
        return "email", person.email
    return None


def person_of(appointment: Appointment) -> list[Recipient]:
    """The person, on the channel they accept; none: the structure calls them."""
    channel_and_address = person_channel(appointment.orientation.person)
    return [Recipient(*channel_and_address)] if channel_and_address else []


def _orientation_context(orientation, recipient: Recipient, _due) -> dict:
    return {"orientation": orientation, "recipient": recipient.user}


def _prefetch(orientations: list[Orientation]) -> None:
    prefetch_members({o.receiver_organisation_id for o in orientations if o.receiver_organisation_id is not None})


_WITH_SENDER = (selectinload(Orientation.sender_user).selectinload(User.memberships),)


def expire(orientation_id: int) -> bool:
    """No decision in time: the system expires it (the transition tells the sender)."""
    try:
        with db.session.begin_nested():
            lifecycle.transition(orientation_id, S.EXPIRED, reason=Reason.NO_ANSWER)
    except lifecycle.TransitionError:  # decided or expired meanwhile by someone else: nothing to do
        log.info("orientation %s not expired: it changed meanwhile", orientation_id)
        return False
    return True


def _open_orientation():
    return sa.exists().where(Orientation.id == Appointment.orientation_id, Orientation.status.not_in(CLOSED_STATUSES))


register(
    UNDECIDED,  # counted when the orientation is sent (lifecycle: decision_due_at, expires_at)
    EXPIRY,
    Rule(
        "referrals.expiry",
        Orientation,
        since=Orientation.expires_at,
        where=lambda now: [Orientation.status.in_([S.SENT, S.RECEIVED]), *_with_a_receiver()],
        act=expire,
    ),
    Rule(
        "referrals.unopened",
        Orientation,
        since=Orientation.sent_at,
        delay=UNOPENED,
        service_id=Orientation.service_id,
        where=lambda now: [Orientation.status == S.SENT, *_with_a_receiver()],
        notices=(Notice("orientation_unopened", receiver_members, "orientation:{id}:unopened", REMINDER_SUBJECT),),
        context=_orientation_context,
        load=_WITH_SENDER,
        prepare=_prefetch,
    ),
    Rule(
        "referrals.undecided",
        Orientation,
        since=Orientation.decision_due_at,
        where=lambda now: [Orientation.status.in_([S.SENT, S.RECEIVED]), *_with_a_receiver()],
        notices=(
            Notice("orientation_undecided", receiver_members, "orientation:{id}:undecided", REMINDER_SUBJECT),
            Notice("orientation_undecided_sender", sender_of, "orientation:{id}:undecided-sender", REMINDER_SUBJECT),
        ),
        context=_orientation_context,
        load=_WITH_SENDER,
        prepare=_prefetch,
    ),
    Rule(
        "referrals.stalled",
        Orientation,
        since=Orientation.last_activity_at,
        delay=STALLED,
        where=lambda now: [Orientation.status.in_([S.ACCEPTED, S.IN_PROGRESS]), *_with_a_receiver()],
        notices=(
            Notice(
                "orientation_stalled",
                receiver_members,
                "orientation:{id}:stalled:{occurrence:%Y%m%dT%H%M%S}",
                REMINDER_SUBJECT,
            ),
        ),
        context=_orientation_context,
        load=_WITH_SENDER,
        prepare=_prefetch,
    ),
    Rule(
        "referrals.appointment",
        Appointment,
        since=Appointment.starts_at,
        delay=APPOINTMENT,
        before=True,
        where=lambda now: [
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.reminder_agreed.is_(True),
            Appointment.starts_at > now + timedelta(hours=1),  # within the hour: too late to be useful
            _open_orientation(),
        ],
        notices=(
            Notice(
                "appointment_reminder",
                person_of,
                "appointment:{id}:reminder",
                SubjectType.APPOINTMENT,
                valid_until=lambda appointment: appointment.starts_at,
            ),
        ),
        context=lambda appointment, _recipient, _due: {"appointment": appointment},
        load=(selectinload(Appointment.orientation).selectinload(Orientation.person),),
    ),
    Rule(
        "referrals.obtained_check",
        Orientation,
        since=Orientation.closed_at,
        delay=OBTAINED_CHECK,
        window=OBTAINED_CHECK_WINDOW,
        where=lambda now: [
            Orientation.status == S.COMPLETED,
            Orientation.service_obtained.is_(None),
            *_with_a_receiver(),
        ],
        notices=(
            Notice("orientation_obtained_check", sender_of, "orientation:{id}:obtained-check", SubjectType.ORIENTATION),
        ),
        context=_orientation_context,
        load=_WITH_SENDER,
    ),
)


# Orientations followed by their sender (« Contact direct ») ------------------------------------

SENDER_ASKED = "referrals.sender_followed.asked"  # sent or opened: was the person received? what came of it?
SENDER_RESULT = "referrals.sender_followed.result"  # received (accepted / in progress): what came of it?
SENDER_REMINDER = "referrals.sender_followed.reminder"  # the question again, unanswered
_SENDER_QUESTIONS = (SENDER_ASKED, SENDER_RESULT, SENDER_REMINDER)


def _followed_by_sender(*statuses) -> list:
    return [Orientation.reception == Reception.SENDER, Orientation.status.in_(statuses), *_followed_here()]


def _asked_since_last_activity(measure):
    """`measure` (max, count) over the sender's questions `rules` claimed since the orientation's last activity."""

    def subquery(rules):
        asked = aliased(SentFollowUp)  # the sweep's own claim check reads follow_ups_sent: not correlated to it
        return (
            sa.select(measure(asked.sent_at))
            .where(
                asked.rule.in_(rules),
                asked.subject_id == Orientation.id,
                asked.sent_at > Orientation.last_activity_at,
            )
            .correlate(Orientation)
            .scalar_subquery()
        )

    return subquery


# When the sender was last asked, unless they wrote something since: a reminder counts from it (and
# each reminder, a new value, is a new occurrence); NULL when nothing is pending, so nothing is due.
_LAST_ASKED = _asked_since_last_activity(sa.func.max)(_SENDER_QUESTIONS)


def _reminders_left(now) -> list:
    """At most FOLLOWUP_SENDER_FOLLOWED_REMINDERS reminders after the question, then silence."""
    sent = _asked_since_last_activity(sa.func.count)((SENDER_REMINDER,))
    return [sent < int(current_app.config["FOLLOWUP_SENDER_FOLLOWED_REMINDERS"])]


def _question_context(reminder: bool):
    def context(orientation, recipient: Recipient, _due) -> dict:
        return {"orientation": orientation, "recipient": recipient.user, "reminder": reminder}

    return context


def _sender_question(key: str) -> tuple[Notice, ...]:
    return (
        Notice(
            "orientation_sender_followed",
            sender_of,
            f"orientation:{{id}}:{key}:{{occurrence:%Y%m%dT%H%M%S}}",
            REMINDER_SUBJECT,  # cancelled when the sender records something
        ),
    )


register(
    Rule(
        SENDER_ASKED,
        Orientation,
        since=Orientation.last_activity_at,  # the sending (so: decision_due_at), or the sender's last note
        delay=UNDECIDED,
        service_id=Orientation.service_id,
        where=lambda now: _followed_by_sender(S.SENT, S.RECEIVED),
        notices=_sender_question("sender-asked"),
        context=_question_context(reminder=False),
        load=_WITH_SENDER,
    ),
    Rule(
        SENDER_RESULT,
        Orientation,
        since=Orientation.last_activity_at,
        delay=STALLED,
        where=lambda now: _followed_by_sender(S.ACCEPTED, S.IN_PROGRESS),
        notices=_sender_question("sender-result"),
        context=_question_context(reminder=False),
        load=_WITH_SENDER,
    ),
    Rule(
        SENDER_REMINDER,
        Orientation,
        since=_LAST_ASKED,
        delay=STALLED,
        where=lambda now: [
            *_followed_by_sender(S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS),
            *_reminders_left(now),
        ],
        notices=_sender_question("sender-reminder"),
        context=_question_context(reminder=True),
        load=_WITH_SENDER,
    ),
)
overrides.use_table(ServiceFollowUpSetting)
