"""The worker's daily retention run (declared in worker/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from orientation.audit.operations import acting_as
from orientation.extensions import db
from orientation.rgpd import retention


@shared_task(name="rgpd.apply_retention", ignore_result=True)
def apply_retention() -> dict[str, int]:
    try:
        with acting_as(retention.RETENTION_PURPOSE):
            done = retention.run()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {
        "people_anonymised": len(done.people_to_anonymise),
        "users_warned": len(done.users_to_warn),
        "users_deactivated": len(done.users_to_deactivate),
        "attachments_deleted": len(done.attachments_to_delete),
    }
