"""The directory's daily sync with data·inclusion (declared in worker/schedule.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from orientation.extensions import db

log = logging.getLogger(__name__)


@shared_task(name="directory.sync_data_inclusion", ignore_result=True)
def sync_data_inclusion() -> dict:
    """One transaction: a failed or empty pull changes nothing (and is logged, then raised)."""
    from orientation.directory.sync import sync_data_inclusion as run

    try:
        report = run()
        if report.failed:
            raise RuntimeError(f"Synchronisation data·inclusion : rien d'importable. {report.summary()}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("directory: data·inclusion sync failed, nothing changed")
        raise
    log.info("directory: data·inclusion sync: %s", report.summary())
    return report.counts
