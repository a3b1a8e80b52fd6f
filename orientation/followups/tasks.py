"""The one beat task of the engine (declared in worker/schedule.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from orientation import heartbeats
from orientation.extensions import db
from orientation.followups.sweep import run_sweep

log = logging.getLogger(__name__)


@shared_task(name="followups.sweep", ignore_result=True, bind=True)
def sweep(task) -> dict[str, int]:
    """One sweep of every rule, one commit; idempotent (claims), so overlapping runs do no harm.

    A backlog (a first deployment, a long outage) is worked off at once, not one batch per beat: when a
    rule met FOLLOWUP_BATCH the task queues itself again, behind the deliveries its commit handed over,
    until nothing more is due."""
    capped: set[str] = set()
    try:
        with heartbeats.beat("followups.sweep"):  # its age shows a stopped beat
            report = run_sweep(capped=capped)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if capped:
        try:
            # on the queue it came from (a worker may serve another queue than the default)
            task.apply_async(queue=(task.request.delivery_info or {}).get("routing_key"))
        except Exception:  # the broker is down: beat's next sweep goes on with the backlog
            log.warning("followups: backlog left for the next sweep (rules %s)", sorted(capped), exc_info=True)
    return report
