"""Reads of the security journal: one account's recent activity, and the coordinators' journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from orientation.audit.models import SecurityEvent, SecurityEventKind
from orientation.audit.queries import names
from orientation.extensions import db
from orientation.paging import Page, within

ACCOUNT_ACTIVITY = 15
JOURNAL_PAGE = 100


@dataclass(frozen=True)
class JournalFilters:
    kind: SecurityEventKind | None = None
    failures_only: bool = False
    email: str | None = None  # the account's or the typed address, a part of it
    start: datetime | None = None  # inclusive, UTC
    end: datetime | None = None  # exclusive, UTC


def account_activity(user_id: int, limit: int = ACCOUNT_ACTIVITY) -> list[SecurityEvent]:
    return list(
        db.session.scalars(
            sa.select(SecurityEvent)
            .where(SecurityEvent.user_id == user_id)
            .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
            .limit(limit)
        )
    )


def _condition(filters: JournalFilters):
    condition = []
    if filters.kind is not None:
        condition.append(SecurityEvent.kind == filters.kind.value)
    if filters.failures_only:
        condition.append(SecurityEvent.kind.in_([kind.value for kind in SecurityEventKind if kind.is_failure]))
    if filters.email:
        condition.append(SecurityEvent.email.contains(filters.email.lower(), autoescape=True))
    if filters.start is not None:
        condition.append(SecurityEvent.at >= filters.start)
    if filters.end is not None:
        condition.append(SecurityEvent.at < filters.end)
    return sa.and_(sa.true(), *condition)


def _query(filters: JournalFilters):
    return (
        sa.select(SecurityEvent).where(_condition(filters)).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    )


def journal(filters: JournalFilters) -> list[SecurityEvent]:
    """Every event (the CSV)."""
    return list(db.session.scalars(_query(filters)))


def journal_page(filters: JournalFilters, page: int | None) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent).where(_condition(filters)))
    page = within(page, total, JOURNAL_PAGE)
    items = db.session.scalars(_query(filters).limit(JOURNAL_PAGE).offset((page - 1) * JOURNAL_PAGE))
    return Page(list(items), total, page, JOURNAL_PAGE)


def names_of(events: list[SecurityEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the accounts (concerned or acting) and of the structures of these events."""
    return names(
        {event.user_id for event in events if event.user_id} | {e.actor_id for e in events if e.actor_id},
        {event.organisation_id for event in events if event.organisation_id},
    )
