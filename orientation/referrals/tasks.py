"""Celery tasks of the referrals area (declared in worker/schedule.py): they poll, claim and commit."""

from __future__ import annotations

from celery import shared_task

from orientation.extensions import db
from orientation.referrals.reminders import run_reminders


@shared_task(name="referrals.send_reminders", ignore_result=True)
def send_reminders() -> dict[str, int]:
    """One sweep of every reminder rule; idempotent (claims), so overlapping runs do no harm."""
    try:
        report = run_reminders()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report.as_dict()
