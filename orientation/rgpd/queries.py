"""Reads of the RGPD area: the journal of a file, what was shared and with whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from orientation import french
from orientation.audit.models import AuditAction, PersonAccessLog
from orientation.audit.queries import names
from orientation.auth.models import User
from orientation.cpam.models import MasCase, MasTeam
from orientation.extensions import db
from orientation.paging import Page, paged, within
from orientation.people.models import Person
from orientation.referrals.models import Orientation

JOURNAL_PAGE = 200
STRUCTURE_JOURNAL_PAGE = 100


@dataclass(frozen=True)
class StructureJournalFilters:
    user_id: int | None = None
    action: AuditAction | None = None
    start: datetime | None = None  # inclusive, UTC
    end: datetime | None = None  # exclusive, UTC
    outside_only: bool = False  # accesses made on behalf of another structure


def get_person(person_id: int) -> Person:
    return db.get_or_404(Person, person_id)


def journal(person_id: int, *, limit: int | None = JOURNAL_PAGE) -> list[PersonAccessLog]:
    query = (
        sa.select(PersonAccessLog)
        .where(PersonAccessLog.person_id == person_id)
        .order_by(PersonAccessLog.at.desc(), PersonAccessLog.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def journal_page(person_id: int, page=None) -> Page:
    """The person's journal, the newest first, a page at a time (the CSV holds it all)."""
    query = (
        sa.select(PersonAccessLog)
        .where(PersonAccessLog.person_id == person_id)
        .order_by(PersonAccessLog.at.desc(), PersonAccessLog.id.desc())
    )
    return paged(query, page, JOURNAL_PAGE)


def journal_count(person_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(PersonAccessLog).where(PersonAccessLog.person_id == person_id)
    )


def _structure_entries(organisation_id: int, filters: StructureJournalFilters):
    """The journal entries of the files the structure keeps (anonymised ones included: they keep their id)."""
    condition = [PersonAccessLog.person_id.in_(sa.select(Person.id).where(Person.organisation_id == organisation_id))]
    if filters.user_id is not None:
        condition.append(PersonAccessLog.user_id == filters.user_id)
    if filters.action is not None:
        condition.append(PersonAccessLog.action == filters.action)
    if filters.start is not None:
        condition.append(PersonAccessLog.at >= filters.start)
    if filters.end is not None:
        condition.append(PersonAccessLog.at < filters.end)
    if filters.outside_only:  # an agent (not the worker) acting for another structure, or for none
        condition.append(PersonAccessLog.user_id.is_not(None))
        condition.append(
            sa.or_(PersonAccessLog.organisation_id.is_(None), PersonAccessLog.organisation_id != organisation_id)
        )
    return sa.and_(*condition)


def _structure_query(organisation_id: int, filters: StructureJournalFilters):
    return (
        sa.select(PersonAccessLog)
        .where(_structure_entries(organisation_id, filters))
        .order_by(PersonAccessLog.at.desc(), PersonAccessLog.id.desc())
    )


def structure_journal(organisation_id: int, filters: StructureJournalFilters) -> list[PersonAccessLog]:
    """Every entry (the CSV)."""
    return list(db.session.scalars(_structure_query(organisation_id, filters)))


def structure_journal_page(organisation_id: int, filters: StructureJournalFilters, page: int | None) -> Page:
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(PersonAccessLog).where(_structure_entries(organisation_id, filters))
    )
    page = within(page, total, STRUCTURE_JOURNAL_PAGE)
    items = db.session.scalars(
        _structure_query(organisation_id, filters)
        .limit(STRUCTURE_JOURNAL_PAGE)
        .offset((page - 1) * STRUCTURE_JOURNAL_PAGE)
    )
    return Page(list(items), total, page, STRUCTURE_JOURNAL_PAGE)


def structure_journal_agents(organisation_id: int) -> list[tuple[int, str]]:
    """The accounts that appear in the structure's journal, by name: the choices of the "Par" filter."""
    user_ids = (
        sa.select(PersonAccessLog.user_id)
        .where(_structure_entries(organisation_id, StructureJournalFilters()), PersonAccessLog.user_id.is_not(None))
        .distinct()
    )
    return [
        (row.id, f"{row.last_name} {row.first_name}")
        for row in db.session.execute(
            sa.select(User.id, User.first_name, User.last_name)
            .where(User.id.in_(user_ids))
            .order_by(*french.by_name(User.last_name, User.first_name), User.id)
        )
    ]


def names_of(entries: list[PersonAccessLog]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the accounts and structures of these entries."""
    return names(
        {entry.user_id for entry in entries if entry.user_id},
        {entry.organisation_id for entry in entries if entry.organisation_id},
    )


def shared_orientations(person_id: int) -> list[Orientation]:
    """The orientations that were sent (drafts were shared with no one), with what the page shows."""
    return list(
        db.session.scalars(
            sa.select(Orientation)
            .where(Orientation.person_id == person_id, Orientation.sent_at.is_not(None))
            .options(
                selectinload(Orientation.receiver_organisation),
                selectinload(Orientation.service),
                selectinload(Orientation.sender_organisation),
                selectinload(Orientation.needs),
                selectinload(Orientation.consent),
            )
            .order_by(Orientation.sent_at)
        )
    )


def mas_cases(person_id: int) -> list[MasCase]:
    return list(
        db.session.scalars(
            sa.select(MasCase)
            .where(MasCase.person_id == person_id)
            .options(selectinload(MasCase.team).selectinload(MasTeam.organisation), selectinload(MasCase.care_links))
            .order_by(MasCase.filed_at)
        )
    )
