"""The one beat task of the engine (declared in worker/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from orientation import heartbeats
from orientation.extensions import db
from orientation.followups.sweep import run_sweep


@shared_task(name="followups.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    """One sweep of every rule, one commit; idempotent (claims), so overlapping runs do no harm."""
    try:
        with heartbeats.beat("followups.sweep"):  # its age shows a stopped beat
            report = run_sweep()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
