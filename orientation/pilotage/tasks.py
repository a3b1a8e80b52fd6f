"""The worker keeps the rolled-up steering tables fresh (declared in worker/schedule.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from orientation.extensions import db
from orientation.pilotage import offer, searches
from orientation.pilotage.refresh import refresh_facts

log = logging.getLogger(__name__)


@shared_task(name="pilotage.refresh_facts")
def refresh_facts_task(full: bool = False) -> dict:
    """Recompute the months touched since the last refresh (or everything); one commit."""
    try:
        record = refresh_facts(full=full)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("pilotage refresh %s: %s months (full=%s)", record.id, record.months, record.full)
    return {"refresh": record.id, "months": record.months, "full": record.full}


@shared_task(name="pilotage.forget_old_searches")
def forget_old_searches_task() -> int:
    """The directory searches are kept 13 months (searches.SEARCHES_KEPT_MONTHS)."""
    forgotten = searches.forget_old()
    db.session.commit()
    log.info("pilotage: %s directory searches older than %s months forgotten", forgotten, searches.SEARCHES_KEPT_MONTHS)
    return forgotten


@shared_task(name="pilotage.refresh_offer")
def refresh_offer_task() -> int:
    """The offer beside the demand (offer.py), computed once for every page: seconds at 100,000 services."""
    snapshot = offer.store_snapshot()
    db.session.commit()
    return snapshot.id
