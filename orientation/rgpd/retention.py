"""Retention (the worker's daily task and `flask rgpd retention`): what is kept, and for how long.

- A person's file with no activity for RGPD_PERSON_INACTIVITY_MONTHS (24) is anonymised (see
  anonymise.py). Activity: the file, a need or a consent changed, an orientation moved, a MAS case
  progressed; reading is not activity. A file whose orientation or MAS case is still under way is
  kept (and counted as such) whatever its age.
- An account unused for RGPD_USER_INACTIVITY_MONTHS (12) is deactivated, once a warning e-mail
  went out through the outbox at least RGPD_USER_WARNING_DAYS (30) before; logging in again
  starts over (the warning is keyed on the last login).
- The documents attached to an orientation closed RGPD_ATTACHMENT_RETENTION_MONTHS (6) ago are
  deleted (file and name; the row says a document existed).
- The security journal's events older than SECURITY_EVENTS_RETENTION_MONTHS (12) are deleted (the
  CNIL recommends keeping such traces six months to a year).
`plan()` only reads (the dry run); `apply()` does it. Both are idempotent: an anonymised file,
a warned or deactivated account is not picked again.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from orientation import clock
from orientation.attachments.operations import closed_orientation_attachments, delete_files
from orientation.audit import security
from orientation.audit.models import SecurityEvent, SecurityEventKind
from orientation.auth.models import User
from orientation.cpam.models import CaseStage, MasCase
from orientation.extensions import db
from orientation.notifications.models import OutboxMessage, SubjectType
from orientation.notifications.operations import enqueue_messages, message_values, purge_read_notifications
from orientation.people.models import Consent, Need, Person
from orientation.referrals.lifecycle import ONGOING_STATUSES, UNDECIDED_STATUSES
from orientation.referrals.models import Orientation
from orientation.rgpd.anonymise import anonymise_people

RETENTION_PURPOSE = "rgpd.retention"
BATCH = 500  # files anonymised per statement batch


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _setting(name: str) -> int:
    return int(current_app.config[name])


@dataclass
class RetentionPlan:
    cutoff_people: datetime
    cutoff_users: datetime
    people_to_anonymise: list[int] = field(default_factory=list)
    people_kept_in_progress: list[int] = field(default_factory=list)  # inactive, but work under way
    users_to_warn: list[int] = field(default_factory=list)
    users_to_deactivate: list[int] = field(default_factory=list)
    attachments_to_delete: list[int] = field(default_factory=list)  # of orientations closed 6 months ago

    def summary_lines(self) -> list[str]:
        """Counts and ids only: no name, no address (the output may be pasted into a ticket)."""

        def ids(values):
            return ", ".join(map(str, values)) if values else "—"

        return [
            f"Fiches sans activité depuis le {self.cutoff_people:%d/%m/%Y} à anonymiser : "
            f"{len(self.people_to_anonymise)} ({ids(self.people_to_anonymise)})",
            f"Fiches sans activité gardées (orientation ou dossier MAS en cours) : "
            f"{len(self.people_kept_in_progress)} ({ids(self.people_kept_in_progress)})",
            f"Comptes à prévenir (inactifs depuis le {self.cutoff_users + timedelta(days=self.warning_days):%d/%m/%Y})"
            f" : {len(self.users_to_warn)} ({ids(self.users_to_warn)})",
            f"Comptes à désactiver (inactifs depuis le {self.cutoff_users:%d/%m/%Y}, prévenus) : "
            f"{len(self.users_to_deactivate)} ({ids(self.users_to_deactivate)})",
            f"Documents d'orientations closes depuis plus de {self.attachment_months} mois à supprimer : "
            f"{len(self.attachments_to_delete)} ({ids(self.attachments_to_delete)})",
            f"Événements du journal de sécurité antérieurs au {self.cutoff_security_events:%d/%m/%Y} à supprimer : "
            f"{self.security_events_to_delete}",
        ]

    warning_days: int = 30
    attachment_months: int = 6
    cutoff_security_events: datetime | None = None
    security_events_to_delete: int = 0
    notifications_purged: int = 0  # read in-app notifications older than NOTIFICATIONS_READ_RETENTION_DAYS


def _last_activity_before(cutoff: datetime):
    """Conditions: nothing of the file moved since `cutoff`."""
    recent = [
        sa.select(Need.id).where(Need.person_id == Person.id, Need.updated_at >= cutoff),
        sa.select(Consent.id).where(
            Consent.person_id == Person.id, sa.or_(Consent.collected_at >= cutoff, Consent.withdrawn_at >= cutoff)
        ),
        sa.select(Orientation.id).where(
            Orientation.person_id == Person.id,
            sa.or_(Orientation.last_activity_at >= cutoff, Orientation.created_at >= cutoff),
        ),
        sa.select(MasCase.id).where(
            MasCase.person_id == Person.id, sa.or_(MasCase.last_progress_at >= cutoff, MasCase.closed_at >= cutoff)
        ),
    ]
    return sa.and_(Person.updated_at < cutoff, Person.created_at < cutoff, *[~sa.exists(query) for query in recent])


def _work_in_progress():
    return sa.or_(
        sa.exists(
            sa.select(Orientation.id).where(
                Orientation.person_id == Person.id, Orientation.status.in_(UNDECIDED_STATUSES | ONGOING_STATUSES)
            )
        ),
        sa.exists(sa.select(MasCase.id).where(MasCase.person_id == Person.id, MasCase.stage != CaseStage.CLOSED)),
    )


def _warning_key(user_id: int, reference: datetime) -> str:
    return f"rgpd:inactive-account:{user_id}:{reference:%Y%m%d%H%M%S}"


def plan(now: datetime | None = None) -> RetentionPlan:
    now = now or clock.now()
    warning_days = _setting("RGPD_USER_WARNING_DAYS")
    result = RetentionPlan(
        cutoff_people=months_before(now, _setting("RGPD_PERSON_INACTIVITY_MONTHS")),
        cutoff_users=months_before(now, _setting("RGPD_USER_INACTIVITY_MONTHS")),
    )
    result.warning_days = warning_days
    result.attachment_months = _setting("RGPD_ATTACHMENT_RETENTION_MONTHS")
    result.attachments_to_delete = list(
        db.session.scalars(closed_orientation_attachments(months_before(now, result.attachment_months)))
    )
    result.cutoff_security_events = months_before(now, _setting("SECURITY_EVENTS_RETENTION_MONTHS"))
    result.security_events_to_delete = db.session.scalar(
        sa.select(sa.func.count()).select_from(SecurityEvent).where(SecurityEvent.at < result.cutoff_security_events)
    )
    inactive = (
        sa.select(Person.id, _work_in_progress().label("busy"))
        .where(Person.anonymised_at.is_(None), _last_activity_before(result.cutoff_people))
        .order_by(Person.id)
    )
    for person_id, busy in db.session.execute(inactive):
        (result.people_kept_in_progress if busy else result.people_to_anonymise).append(person_id)

    last_seen = sa.func.coalesce(User.last_login_at, User.created_at)
    warn_from = result.cutoff_users + timedelta(days=warning_days)
    candidates = db.session.execute(
        sa.select(User.id, last_seen.label("seen"))
        .where(User.active.is_(True), last_seen < warn_from)
        .order_by(User.id)
    ).all()
    keys = {_warning_key(user_id, seen): user_id for user_id, seen in candidates}
    warned = (
        dict(
            db.session.execute(
                sa.select(OutboxMessage.idempotency_key, OutboxMessage.created_at).where(
                    OutboxMessage.idempotency_key.in_(keys)
                )
            ).all()
        )
        if keys
        else {}
    )
    for user_id, seen in candidates:
        warned_at = warned.get(_warning_key(user_id, seen))
        if warned_at is None:
            result.users_to_warn.append(user_id)
        elif seen < result.cutoff_users and warned_at <= now - timedelta(days=warning_days):
            result.users_to_deactivate.append(user_id)
    return result


def apply(retention: RetentionPlan) -> RetentionPlan:
    """Carry out the plan; flush, never commit (the task or the command commits)."""
    delete_files(retention.attachments_to_delete)
    for start in range(0, len(retention.people_to_anonymise), BATCH):
        anonymise_people(retention.people_to_anonymise[start : start + BATCH], purpose=RETENTION_PURPOSE)
    if retention.users_to_warn:
        users = db.session.scalars(sa.select(User).where(User.id.in_(retention.users_to_warn))).all()
        deadline = clock.now() + timedelta(days=retention.warning_days)
        enqueue_messages(
            [
                message_values(
                    "email",
                    user.email,
                    "rgpd_inactive_account",
                    {"recipient": user, "deadline": deadline},
                    idempotency_key=_warning_key(user.id, user.last_login_at or user.created_at),
                    recipient_user_id=user.id,
                    subject_type=SubjectType.USER,
                    subject_id=user.id,
                )
                for user in users
            ]
        )
    if retention.security_events_to_delete:
        db.session.execute(
            sa.delete(SecurityEvent)
            .where(SecurityEvent.at < retention.cutoff_security_events)
            .execution_options(synchronize_session=False)
        )
    retention.notifications_purged = purge_read_notifications(_setting("NOTIFICATIONS_READ_RETENTION_DAYS"))
    if retention.users_to_deactivate:
        deactivated = db.session.scalars(
            sa.update(User)
            .where(User.id.in_(retention.users_to_deactivate), User.active.is_(True))
            .values(active=False, session_version=User.session_version + 1)
            .returning(User.id)
            .execution_options(synchronize_session=False)
        ).all()
        for user_id in deactivated:
            security.record(
                SecurityEventKind.ACCOUNT_DEACTIVATED,
                user=user_id,
                detail={"months": _setting("RGPD_USER_INACTIVITY_MONTHS")},
            )
    db.session.flush()
    return retention


def run(now: datetime | None = None) -> RetentionPlan:
    return apply(plan(now))
