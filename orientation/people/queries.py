"""Reads of the people area (no writes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from orientation import french
from orientation.auth.models import User
from orientation.directory.text import normalise
from orientation.extensions import db
from orientation.organisations.models import Membership
from orientation.paging import Page, page_number, within
from orientation.people.models import Need, Person, name_key

PAGE_SIZE = 50


def get_person(person_id: int) -> Person:
    return db.get_or_404(Person, person_id)


def get_need(need_id: int) -> Need:
    return db.get_or_404(Need, need_id)


_BIRTH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_BIRTH_YEAR = re.compile(r"^(19|20)\d\d$")


def _birth_date_condition(word: str):
    """« 03/04/1980 » (the French way) is a birth date, « 1980 » a birth year; None for a name."""
    if found := _BIRTH_DATE.match(word):
        day, month, year = (int(part) for part in found.groups())
        try:
            return Person.birth_date == date(year, month, day)
        except ValueError:
            return sa.false()
    if _BIRTH_YEAR.match(word):
        return sa.extract("year", Person.birth_date) == int(word)
    return None


def _people_of(organisation_id: int, search: str = ""):
    """The organisation's files (never another's) whose name holds every word searched (accents and
    case ignored), born on the date or in the year searched."""
    statement = sa.select(Person).where(Person.organisation_id == organisation_id)
    for word in search.split()[:5]:
        condition = _birth_date_condition(word)
        if condition is not None:
            statement = statement.where(condition)
            continue
        for part in normalise(word).replace("-", " ").replace("'", " ").split():
            statement = statement.where(Person.name_key.contains(part, autoescape=True))
    return statement


def list_people(organisation_id: int, search: str = "", limit: int = PAGE_SIZE) -> list[Person]:
    statement = (
        _people_of(organisation_id, search)
        .order_by(*french.by_name(Person.last_name, Person.first_name), Person.id)
        .limit(limit)
        .options(selectinload(Person.commune))
    )
    return list(db.session.scalars(statement))


def people_page(organisation_id: int, search: str = "", page: int | None = None) -> Page:
    """One page of the list of files, with the total: every file is reachable, 50 at a time."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(_people_of(organisation_id, search).subquery()))
    page = within(page_number(page), total, PAGE_SIZE)
    statement = (
        _people_of(organisation_id, search)
        .order_by(*french.by_name(Person.last_name, Person.first_name), Person.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .options(selectinload(Person.commune))
    )
    return Page(list(db.session.scalars(statement)), total, page, PAGE_SIZE)


def find_duplicates(
    organisation_id: int, first_name: str, last_name: str, birth_date: date | None, exclude_id: int | None = None
) -> list[Person]:
    """Same name (accents and case ignored) and same birth date, in the same organisation's files."""
    statement = sa.select(Person).where(
        Person.organisation_id == organisation_id,
        Person.name_key == name_key(first_name, last_name),
        Person.birth_date == birth_date if birth_date else Person.birth_date.is_(None),
    )
    if exclude_id is not None:
        statement = statement.where(Person.id != exclude_id)
    return list(db.session.scalars(statement))


def list_referents(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership)
            .where(Membership.organisation_id == organisation_id, User.active.is_(True))
            .order_by(*french.by_name(User.last_name, User.first_name))
        )
    )


@dataclass(frozen=True)
class FileEntry:
    """A milestone of the file itself, for its chronology (beside the orientations' entries)."""

    at: datetime
    kind: str  # "file", "consent", "consent_withdrawn", "need", "need_closed"
    item: object


def chronology(person: Person, orientation_entries=()) -> list:
    """The file's own milestones (created, consents given and withdrawn, needs noted and closed) and
    the entries of its orientations (each with an `.at`), newest first."""
    entries = [FileEntry(person.created_at, "file", person)]
    for consent in person.consents:
        entries.append(FileEntry(consent.collected_at, "consent", consent))
        if consent.withdrawn_at:
            entries.append(FileEntry(consent.withdrawn_at, "consent_withdrawn", consent))
    for need in person.needs:
        entries.append(FileEntry(need.created_at, "need", need))
        if need.closed_at:
            entries.append(FileEntry(need.closed_at, "need_closed", need))
    entries += list(orientation_entries)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
