"""Directory searches kept for the pilotage: what agents look for and do not find.

Recorded from the `directory_searched` signal in a transaction of their own (a search is a GET: it
writes nothing else, and a failure to record never fails the search), kept SEARCHES_KEPT_MONTHS
months, read per volet and per EPCI of the commune searched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orientation import clock, french
from orientation.directory.thematiques import Volet, volet_of
from orientation.extensions import db
from orientation.pilotage import queries
from orientation.pilotage.models import DirectorySearch
from orientation.pilotage.queries import Filters
from orientation.territory.models import Commune

log = logging.getLogger(__name__)

SEARCHES_KEPT_MONTHS = 13
FEW_RESULTS = 3  # fewer than this: « peu de résultats »


def record(params, results: int) -> None:
    """Keep one search's criteria and its number of results (never the text typed, never who)."""
    volet = params.volet or (volet_of(params.thematique) if params.thematique else None)
    filters = {
        name: value
        for name, value in (
            ("public", params.public),
            ("frais", str(params.frais) if params.frais else None),
            ("recoit_orientations", params.accepts_orientations or None),
            ("ouvert_maintenant", params.open_now or None),
            ("distance_max_km", params.max_distance_km),
        )
        if value
    }
    search = DirectorySearch(
        searched_on=clock.now().date(),
        volet=volet,
        thematique=(params.thematique or None) and params.thematique[:120],
        commune_code=params.commune_code or None,
        label=(params.label or None) and params.label[:80],
        filters=filters,
        with_text=bool(params.text and params.text.strip()),
        results=results,
    )
    try:  # as the access log does (audit.access): a session of its own, a savepoint when one is open
        with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
            session.add(search)
            session.commit()
    except sa.exc.SQLAlchemyError:
        log.warning("a directory search could not be kept for the pilotage", exc_info=True)


def forget_old() -> int:
    """Delete the searches older than SEARCHES_KEPT_MONTHS months; return how many."""
    today = clock.now().date()
    months = today.year * 12 + today.month - 1 - SEARCHES_KEPT_MONTHS
    limit = date(months // 12, months % 12 + 1, 1)  # from the first day of the month, 13 months ago
    result = db.session.execute(sa.delete(DirectorySearch).where(DirectorySearch.searched_on < limit))
    return result.rowcount or 0


@dataclass
class SearchLine:
    label: str
    key: str | None
    searched: int
    none: int
    few: int


def _counts(group_by, label_of, where) -> list[SearchLine]:
    rows = db.session.execute(
        sa.select(
            group_by,
            sa.func.count(),
            sa.func.count().filter(DirectorySearch.results == 0),
            sa.func.count().filter(DirectorySearch.results.between(1, FEW_RESULTS - 1)),
        )
        .select_from(DirectorySearch)
        .outerjoin(Commune, Commune.code_insee == DirectorySearch.commune_code)
        .where(*where)
        .group_by(group_by)
    ).all()
    return [SearchLine(label_of(key), key, int(total), int(none), int(few)) for key, total, none, few in rows]


def searches_by_volet(where: list) -> list[SearchLine]:
    lines = {line.key: line for line in _counts(DirectorySearch.volet, lambda key: key, where)}
    ordered = [SearchLine(volet.label, volet.value, *_numbers(lines.get(volet))) for volet in Volet if volet in lines]
    if None in lines:
        ordered.append(SearchLine("Sans volet choisi", None, *_numbers(lines[None])))
    return ordered


def searches_by_epci(where: list, epci_names: dict[str, str]) -> list[SearchLine]:
    lines = _counts(Commune.epci_siren, lambda key: epci_names.get(key, key) if key else "Sans commune", where)
    return french.sorted_names(lines, key=lambda line: line.label if line.key else "\uffff")  # « Sans commune » last


def unanswered_thematiques(where: list, labels: dict[str, str], top: int = 15) -> list[tuple[str, int]]:
    """The thématiques most searched without any result."""
    rows = db.session.execute(
        sa.select(DirectorySearch.thematique, sa.func.count())
        .select_from(DirectorySearch)
        .outerjoin(Commune, Commune.code_insee == DirectorySearch.commune_code)
        .where(*where, DirectorySearch.results == 0, DirectorySearch.thematique.is_not(None))
        .group_by(DirectorySearch.thematique)
        .order_by(sa.func.count().desc(), DirectorySearch.thematique)
        .limit(top)
    ).all()
    return [(labels.get(code, code), int(count)) for code, count in rows]


def _numbers(line: SearchLine | None) -> tuple[int, int, int]:
    return (line.searched, line.none, line.few) if line else (0, 0, 0)


def filtered_by(filters: Filters) -> list:
    """The pilotage's filters on the searches: months of the search, volet, the territory searched (the
    territory as every figure reads it: `queries._person_filters`)."""
    where = [*queries._person_filters(filters, DirectorySearch.commune_code)]
    month = sa.func.to_char(DirectorySearch.searched_on, "YYYY-MM")  # a date: no time zone to convert
    if filters.start:
        where.append(month >= filters.start)
    if filters.end:
        where.append(month <= filters.end)
    if filters.volet:
        where.append(DirectorySearch.volet == filters.volet)
    return where
