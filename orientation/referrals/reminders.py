"""The worker's follow-up rules for orientations: found by polling due rows, claimed exactly once.

`run_reminders(now)` is called every few minutes by beat (worker/schedule.py). Each rule selects
the orientations that are due and not yet handled, claims them by inserting an
`OrientationReminder` row (INSERT … ON CONFLICT DO NOTHING RETURNING: two sweeps at once never
both win), then writes its messages to the outbox in the same transaction. Delays are counted in
French working days (Europe/Paris) where DOMAIN.md says so, and are overridable per service.

Rules (defaults in REMINDER_DEFAULTS, per-service columns on `services`):
- sent, not opened after 2 working days → reminder to the receiving structure;
- not decided by `decision_due_at` (5 working days) → reminder to the receiver, notice to the sender;
- no decision by `expires_at` (30 days) → `expired` (the sender is told by the transition);
- accepted / in progress with no activity for 15 days → follow-up to the receiver (again after
  each new activity);
- appointment within the next 24 hours, the person agreed → SMS or e-mail to the person, as
  they prefer, cancelled if not delivered before the appointment;
- completed 30 days ago → ask the sender whether the service was really obtained.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from orientation import clock
from orientation.auth.models import User
from orientation.directory.models import Service
from orientation.extensions import db
from orientation.notifications.operations import enqueue_message, enqueue_messages
from orientation.notifications.workdays import add_working_days
from orientation.people.models import ContactPreference
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus, Reason
from orientation.referrals.models import Appointment, AppointmentStatus, Orientation, OrientationReminder
from orientation.referrals.notifications import (
    REMINDER_SUBJECT,
    email_rows,
    members_of,
    prefetch_members,
    sender_recipients,
)

log = logging.getLogger(__name__)
S = OrientationStatus

REMINDER_DEFAULTS = {
    "REFERRALS_UNOPENED_WORKING_DAYS": 2,
    "REFERRALS_STALLED_DAYS": 15,
    "REFERRALS_OBTAINED_CHECK_DAYS": 30,
    # Asked only in the two weeks after that: no question about orientations closed long ago.
    "REFERRALS_OBTAINED_CHECK_WINDOW_DAYS": 14,
    "REFERRALS_APPOINTMENT_REMINDER_HOURS": 24,
    "REFERRALS_REMINDER_BATCH": 5000,  # at most this many orientations per rule and sweep
}
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

# Areas that follow some orientations with their own steps and reminders (the CPAM's MAS cases)
# register a SELECT of the service ids to leave to them: these rules then skip those orientations.
_followed_elsewhere: list = []


def leave_services_to(select_service_ids) -> None:
    """Register a callable returning a SELECT of service ids whose orientations another area follows."""
    if select_service_ids not in _followed_elsewhere:
        _followed_elsewhere.append(select_service_ids)


def _followed_here():
    conditions = [~Orientation.service_id.in_(select()) for select in _followed_elsewhere]
    return sa.and_(sa.true(), *conditions)


def setting(name: str) -> int:
    return int(current_app.config.get(name, REMINDER_DEFAULTS[name]))


@dataclass
class SweepReport:
    unopened: int = 0
    undecided: int = 0
    expired: int = 0
    stalled: int = 0
    appointments: int = 0
    obtained_checks: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def run_reminders(now: datetime | None = None) -> SweepReport:
    """Apply every rule once; flush, the caller commits (the task commits once per sweep)."""
    now = now or clock.now()
    report = SweepReport()
    report.expired = expire_undecided(now)
    report.unopened = remind_unopened(now)
    report.undecided = remind_undecided(now)
    report.stalled = follow_up_stalled(now)
    report.appointments = remind_appointments(now)
    report.obtained_checks = ask_service_obtained(now)
    db.session.flush()
    return report


def _not_reminded(key_condition):
    return ~sa.exists().where(OrientationReminder.orientation_id == Orientation.id, key_condition)


def claim(keys_by_orientation: dict[int, str], now: datetime) -> set[int]:
    """Insert the reminder rows; return the orientations this sweep won (others were claimed already)."""
    if not keys_by_orientation:
        return set()
    table = OrientationReminder.__table__
    insert = _INSERTS[db.session.get_bind().dialect.name]
    rows = [{"orientation_id": oid, "key": key, "created_at": now} for oid, key in keys_by_orientation.items()]
    statement = insert(table).on_conflict_do_nothing().returning(table.c.orientation_id)
    claimed = set(db.session.connection().execute(statement, rows).scalars())
    return claimed


def _load(ids: set[int]) -> list[Orientation]:
    """The claimed orientations with what their messages need (no query per orientation)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            db.select(Orientation)
            .where(Orientation.id.in_(ids))
            .order_by(Orientation.id)
            .options(selectinload(Orientation.sender_user).selectinload(User.memberships))
        )
    )


def remind_unopened(now: datetime) -> int:
    """Sent, still unopened N working days later (N: service override or 2)."""
    default_days = setting("REFERRALS_UNOPENED_WORKING_DAYS")
    candidates = db.session.execute(
        db.select(Orientation.id, Orientation.sent_at, Service.reminder_unopened_days)
        .join(Service, Service.id == Orientation.service_id)
        .where(
            Orientation.status == S.SENT,
            Orientation.sent_at <= now - timedelta(days=1),
            _not_reminded(OrientationReminder.key == "unopened"),
            _followed_here(),
        )
        .order_by(Orientation.sent_at)
        .limit(setting("REFERRALS_REMINDER_BATCH"))
    ).all()
    due = {
        row.id: "unopened"
        for row in candidates
        if add_working_days(row.sent_at, row.reminder_unopened_days or default_days) <= now
    }
    orientations = _load(claim(due, now))
    prefetch_members({o.receiver_organisation_id for o in orientations})
    enqueue_messages(
        [
            row
            for orientation in orientations
            for row in email_rows(
                orientation,
                members_of(orientation.receiver_organisation_id),
                "orientation_unopened",
                "unopened",
                organisation_id=orientation.receiver_organisation_id,
                subject_type=REMINDER_SUBJECT,
            )
        ]
    )
    return len(orientations)


def remind_undecided(now: datetime) -> int:
    """Past the decision date (5 working days, or the service's): remind the receiver, tell the sender."""
    due = dict.fromkeys(
        db.session.scalars(
            db.select(Orientation.id)
            .where(
                Orientation.status.in_([S.SENT, S.RECEIVED]),
                Orientation.decision_due_at <= now,
                _not_reminded(OrientationReminder.key == "undecided"),
                _followed_here(),
            )
            .order_by(Orientation.decision_due_at)
            .limit(setting("REFERRALS_REMINDER_BATCH"))
        ),
        "undecided",
    )
    orientations = _load(claim(due, now))
    prefetch_members({o.receiver_organisation_id for o in orientations})
    rows = []
    for orientation in orientations:
        rows += email_rows(
            orientation,
            members_of(orientation.receiver_organisation_id),
            "orientation_undecided",
            "undecided",
            organisation_id=orientation.receiver_organisation_id,
            subject_type=REMINDER_SUBJECT,
        )
        rows += email_rows(
            orientation,
            sender_recipients(orientation),
            "orientation_undecided_sender",
            "undecided-sender",
            organisation_id=orientation.sender_organisation_id,
            subject_type=REMINDER_SUBJECT,
        )
    enqueue_messages(rows)
    return len(orientations)


def expire_undecided(now: datetime) -> int:
    """No decision in time: the system expires it (the transition tells the sender)."""
    ids = list(
        db.session.scalars(
            db.select(Orientation.id)
            .where(Orientation.status.in_([S.SENT, S.RECEIVED]), Orientation.expires_at <= now, _followed_here())
            .order_by(Orientation.expires_at)
            .limit(setting("REFERRALS_REMINDER_BATCH"))
        )
    )
    expired = 0
    for orientation_id in ids:
        try:
            with db.session.begin_nested():
                lifecycle.transition(orientation_id, S.EXPIRED, reason=Reason.NO_ANSWER)
            expired += 1
        except lifecycle.TransitionError:  # decided or expired meanwhile by someone else: nothing to do
            log.info("orientation %s not expired: it changed meanwhile", orientation_id)
    return expired


def follow_up_stalled(now: datetime) -> int:
    """Accepted or in progress, and nothing has happened for 15 days: ask the receiver where it stands."""
    cutoff = now - timedelta(days=setting("REFERRALS_STALLED_DAYS"))
    rows = db.session.execute(
        db.select(Orientation.id, Orientation.last_activity_at)
        .where(
            Orientation.status.in_([S.ACCEPTED, S.IN_PROGRESS]),
            Orientation.last_activity_at <= cutoff,
            _not_reminded(
                sa.and_(
                    OrientationReminder.key.like("stalled:%"),
                    OrientationReminder.created_at > Orientation.last_activity_at,
                )
            ),
            _followed_here(),
        )
        .order_by(Orientation.last_activity_at)
        .limit(setting("REFERRALS_REMINDER_BATCH"))
    ).all()
    # Keyed on the activity it follows up: after new activity, a new follow-up can come.
    due = {row.id: f"stalled:{row.last_activity_at:%Y%m%dT%H%M%S}" for row in rows}
    orientations = _load(claim(due, now))
    prefetch_members({o.receiver_organisation_id for o in orientations})
    enqueue_messages(
        [
            row
            for orientation in orientations
            for row in email_rows(
                orientation,
                members_of(orientation.receiver_organisation_id),
                "orientation_stalled",
                due[orientation.id],
                organisation_id=orientation.receiver_organisation_id,
                subject_type=REMINDER_SUBJECT,
            )
        ]
    )
    return len(orientations)


def ask_service_obtained(now: datetime) -> int:
    """Completed 30 days ago, no answer yet: ask the sender whether the person really got the service."""
    cutoff = now - timedelta(days=setting("REFERRALS_OBTAINED_CHECK_DAYS"))
    window_start = cutoff - timedelta(days=setting("REFERRALS_OBTAINED_CHECK_WINDOW_DAYS"))
    due = dict.fromkeys(
        db.session.scalars(
            db.select(Orientation.id)
            .where(
                Orientation.status == S.COMPLETED,
                Orientation.closed_at <= cutoff,
                Orientation.closed_at > window_start,
                Orientation.service_obtained.is_(None),
                _not_reminded(OrientationReminder.key == "obtained-check"),
                _followed_here(),
            )
            .order_by(Orientation.closed_at)
            .limit(setting("REFERRALS_REMINDER_BATCH"))
        ),
        "obtained-check",
    )
    orientations = _load(claim(due, now))
    enqueue_messages(
        [
            row
            for orientation in orientations
            for row in email_rows(
                orientation,
                sender_recipients(orientation),
                "orientation_obtained_check",
                "obtained-check",
                organisation_id=orientation.sender_organisation_id,
            )
        ]
    )
    return len(orientations)


def remind_appointments(now: datetime) -> int:
    """The day before: remind the person who agreed, by SMS or e-mail as they prefer."""
    horizon = now + timedelta(hours=setting("REFERRALS_APPOINTMENT_REMINDER_HOURS"))
    appointments = list(
        db.session.scalars(
            db.select(Appointment)
            .where(
                Appointment.status == AppointmentStatus.PLANNED,
                Appointment.reminder_agreed.is_(True),
                Appointment.reminder_sent_at.is_(None),
                Appointment.starts_at > now + timedelta(hours=1),
                Appointment.starts_at <= horizon,
            )
            .order_by(Appointment.starts_at)
            .limit(setting("REFERRALS_REMINDER_BATCH"))
        )
    )
    sent = 0
    for appointment in appointments:
        claimed = db.session.execute(
            sa.update(Appointment)
            .where(Appointment.id == appointment.id, Appointment.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        channel_and_address = person_channel(appointment.orientation.person)
        if channel_and_address is None:
            continue  # no channel the person accepts: the structure calls them
        channel, address = channel_and_address
        enqueue_message(
            channel,
            address,
            "appointment_reminder",
            {"appointment": appointment},
            idempotency_key=f"appointment:{appointment.id}:reminder",
            valid_until=appointment.starts_at,
            subject_type="appointment",
            subject_id=appointment.id,
        )
        sent += 1
    return sent


def person_channel(person) -> tuple[str, str] | None:
    """How the person accepts to be reminded: SMS (or a phone call preference) → SMS, e-mail → e-mail."""
    preference = person.contact_preference
    if preference in (ContactPreference.SMS, ContactPreference.PHONE) and person.phone:
        return "sms", person.phone
    if preference is ContactPreference.EMAIL and person.email:
        return "email", person.email
    return None
