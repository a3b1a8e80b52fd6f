"""A page of a long list, as the list pages and their pagination macro show it; and the search
that narrows those lists as one types (the words of `?q=`, each found in one of the columns)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 5


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    counts: dict = field(default_factory=dict)  # per tab, where the list has tabs

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def within(requested: int | None, total: int, per_page: int) -> int:
    """The page asked for (a number, or `?page=` as typed), brought back between the first and the last."""
    return min(max(page_number(requested) or 1, 1), max(1, math.ceil(total / per_page)))


def page_number(raw) -> int | None:
    """`?page=` as a number, or None for anything else (« abc », « -3 », « 10¹⁰ »)."""
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1_000_000 else None


def paged(statement, requested, per_page: int, *, options=(), total: int | None = None, counts=None) -> Page:
    """One page of an ordered select of entities: a count, then the page (limit/offset) brought
    back within the last one, with its loader `options` (what each row shows, loaded at once)."""
    from orientation.extensions import db

    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())) or 0
    number = within(page_number(requested), total, per_page)
    page = statement.options(*options).limit(per_page).offset((number - 1) * per_page)
    items = db.session.scalars(page).unique()
    return Page(list(items), total, number, per_page, counts or {})


def search_text(raw: str | None) -> str:
    """What was typed in a list's search field, bounded (PostgreSQL text cannot hold NUL)."""
    return (raw or "")[:MAX_SEARCH_LENGTH].replace("\x00", "").strip()


def search_words(search: str | None) -> list[str]:
    """The words searched, lower-case and without accents, as the folded columns are compared."""
    from orientation.french import collation_key

    return collation_key(search_text(search))[0].split()[:MAX_SEARCH_WORDS]


def folded(column):
    """A column as the search compares it: lower-case, accents removed, hyphens and apostrophes as spaces."""
    from orientation.french import sql_collation

    return sql_collation(column)


def matching_every_word(search: str | None, *columns) -> list:
    """WHERE clauses: each word searched is in one of the columns (accents and case ignored)."""
    return [
        sa.or_(*(folded(column).contains(word, autoescape=True) for column in columns)) for word in search_words(search)
    ]
