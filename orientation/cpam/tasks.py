"""The worker's rules for MAS cases (declared in worker/schedule.py): poll due rows, claim, enqueue, commit.

- No first contact 5 working days after the saisine → alert to the MAS team (its CPAM members).
- No progress for 60 days on an open case → follow-up to the team; again after each new progress.
- An orientation closed outside its case (cancelled by the détecteur, consent withdrawn, decided on
  the orientation page) → the case is closed to match, and the détecteur told.
Each rule claims its rows with a conditional UPDATE on a guard column (two sweeps at once never both
win) and keys its outbox messages (`mas:<case>:<rule>:…`), so a rerun sends nothing twice. The
outcome message at closure is queued by `operations.close_case` in the closing transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from orientation import clock
from orientation.cpam import operations, queries
from orientation.cpam.models import MasCase
from orientation.extensions import db
from orientation.notifications.operations import enqueue_messages, message_values
from orientation.notifications.workdays import add_working_days, working_days_between
from orientation.referrals.reminders import leave_services_to

DEFAULTS = {"MAS_FIRST_CONTACT_WORKING_DAYS": 5, "MAS_STALLED_DAYS": 60}


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


@dataclass
class MasSweep:
    no_first_contact: int = 0
    stalled: int = 0
    closed_from_orientation: int = 0


def run_mas_reminders() -> MasSweep:
    """One sweep of every rule; flushes, the caller commits."""
    report = MasSweep()
    now = clock.now()
    days = setting("MAS_FIRST_CONTACT_WORKING_DAYS")
    # Working days are at least calendar days: only cases filed that long ago can be due.
    for case in queries.list_cases_to_remind_no_contact(now - timedelta(days=days)):
        if working_days_between(case.filed_at, now) < days or not _claim(case, "no_contact_alerted_at", now):
            continue
        _tell_team(
            case, "mas_no_first_contact", f"mas:{case.id}:no-first-contact", due=add_working_days(case.filed_at, days)
        )
        report.no_first_contact += 1
    for case in queries.list_stalled_cases(now - timedelta(days=setting("MAS_STALLED_DAYS"))):
        progress = case.last_progress_at
        if not _claim(case, "stalled_alerted_for", progress):
            continue
        _tell_team(case, "mas_stalled", f"mas:{case.id}:stalled:{progress:%Y%m%d%H%M%S}")
        report.stalled += 1
    for case in queries.list_cases_with_closed_orientation():
        operations.close_from_orientation(case)
        report.closed_from_orientation += 1
    db.session.flush()
    return report


def _claim(case: MasCase, column: str, value) -> bool:
    guard = getattr(MasCase, column)
    condition = (
        guard.is_(None)
        if column == "no_contact_alerted_at"
        else sa.or_(guard.is_(None), guard < MasCase.last_progress_at)
    )
    claimed = db.session.execute(
        sa.update(MasCase)
        .where(MasCase.id == case.id, condition)
        .values({column: value})
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(case, [column])
    return claimed == 1


def _tell_team(case: MasCase, template: str, key: str, **context) -> None:
    from orientation.referrals.notifications import members_of

    enqueue_messages(
        [
            message_values(
                "email",
                member.email,
                template,
                {"case": case, "recipient": member, **context},
                idempotency_key=f"{key}:user:{member.id}",
                recipient_user_id=member.id,
                subject_type="mas_case",
                subject_id=case.id,
            )
            for member in members_of(case.team.organisation_id)
        ]
    )


@shared_task(name="cpam.send_mas_reminders", ignore_result=True)
def send_mas_reminders() -> dict[str, int]:
    try:
        report = run_mas_reminders()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return asdict(report)


def _mas_services():
    from orientation.cpam.models import MasTeam

    return sa.select(MasTeam.service_id)


# MAS orientations are followed by their case (first-contact alert, 60-day follow-up, closure),
# not by the generic orientation reminders.
leave_services_to(_mas_services)
