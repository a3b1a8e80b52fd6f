"""Reads on the directory, and the search every screen (and later the API) goes through.

`search_services()` builds one SQL statement: filters, relevance, distance and the total
(`count(*) OVER ()`), ordered by relevance then distance, one page at a time.
`search_vector @@ to_tsquery('french_unaccent', ...)` (stems, accents and case ignored), ranked by
`ts_rank`; when no entry has every word, a second pass accepts any word and, for typos, the
closest known lexemes (trigram index on `search_words`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import contains_eager, defer, selectinload

from orientation import french
from orientation.db import utcnow
from orientation.directory import hours
from orientation.directory.labels import same_label
from orientation.directory.models import (
    Frais,
    ImportRun,
    Service,
    ServiceThematique,
    ServiceZone,
    Structure,
)
from orientation.directory.reach import can_receive_clause
from orientation.directory.text import query_words, stem
from orientation.directory.thematiques import Volet, enumeration, thematiques_of_volet
from orientation.extensions import db
from orientation.paging import Page, folded, paged, search_words, within
from orientation.territory.models import Commune

EARTH_RADIUS_KM = 6371.0
MAX_DISTANCE_KM = 1000.0
MAX_PER_PAGE = 100
NATIONAL_CODES = ("france", "99100")
WORD_ONLY = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchParams:
    text: str = ""
    any_words: tuple[str, ...] = ()  # at least one of these words (a MAS case: the words of the care given up)
    thematique: str | None = None
    volet: Volet | None = None
    volets: tuple[Volet, ...] = ()  # any of these volets (the send form: the volets of the needs chosen)
    public: str | None = None
    frais: Frais | None = None
    commune_code: str | None = None  # the person's commune: services in it or serving it
    near_commune_code: str | None = None  # measure distances from this commune's centre, without filtering
    latitude: float | None = None  # a point to measure distances from (else the commune's centre)
    longitude: float | None = None
    max_distance_km: float | None = None
    accepts_orientations: bool = False  # only services that can receive an orientation (members or link)
    nearest_first: bool = False  # distance before relevance (the send form's picker)
    label: str | None = None  # a national label or réseau porteur of the structure (e.g. "france-service")
    open_now: bool = False
    page: int = 1
    per_page: int = 20
    now: datetime | None = None  # for "open now"; the current time when None


@dataclass
class SearchHit:
    service: Service
    distance_km: float | None
    relevance: float


@dataclass
class SearchResult:
    items: list[SearchHit]
    total: int
    page: int
    per_page: int
    origin: tuple[float, float] | None = None
    typo_tolerant: bool = False  # True when the results come from the "any word / typos" pass
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search_services(params: SearchParams) -> SearchResult:
    params = _bounded(params)
    origin = _origin(params)
    if params.commune_code and _commune(params.commune_code) is None:
        return SearchResult([], 0, params.page, params.per_page, origin)
    if params.open_now:
        return _search_open_now(params, origin)
    result = _run(params, origin, tolerant=False)
    if result.total == 0 and query_words(params.text):
        result = _run(params, origin, tolerant=True)
    return result


def build_search_statement(params: SearchParams, *, tolerant: bool = False) -> sa.Select:
    """The SQL of one search page: rows of (Service, distance, relevance, total), ranked, one page."""
    params = _bounded(params)
    return _statement(params, _origin(params), tolerant)


# ---------------------------------------------------------------------------------------------
# Statement


def _run(params: SearchParams, origin, tolerant: bool, *, limit: bool = True) -> SearchResult:
    statement = _statement(params, origin, tolerant, limit=limit)
    rows = db.session.execute(statement).all()
    items = [SearchHit(row[0], _round(row[1]), float(row[2] or 0)) for row in rows]
    total = rows[0][3] if rows else (_count(params, origin, tolerant) if params.page > 1 else 0)
    return SearchResult(items, total, params.page, params.per_page, origin, typo_tolerant=tolerant)


def _statement(params: SearchParams, origin, tolerant: bool, *, limit: bool = True) -> sa.Select:
    distance = _distance(origin) if origin else sa.cast(sa.null(), sa.Float)
    conditions = _filters(params, origin, distance)
    words = query_words(params.text)
    relevance = sa.literal(0.0, sa.Float)
    if words:
        match, relevance = _text_match(words, tolerant)
        conditions.append(match)
    ranking = _ranking(relevance, distance).where(*conditions)
    ranking = ranking.order_by(*_ordering(relevance, distance if origin else None, params.nearest_first))
    return _page(ranking, params, origin, limit=limit)


def _ranking(relevance, distance) -> sa.Select:
    """The narrow row a search is ranked on: the id, the sort keys and the total, no entity."""
    return sa.select(
        Service.id.label("id"),
        distance.label("distance_km"),
        relevance.label("relevance"),
        sa.func.count().over().label("total"),
    )


def _page(ranking: sa.Select, params: SearchParams, origin, *, limit: bool) -> sa.Select:
    """Cut the page from the ranking, then read its services and their structures in the same statement.

    The sort and the window count run on (id, distance, relevance) rows only; the entities (and
    the structure every result card shows) are read for the page's rows alone, by primary key.
    The thématiques and what `reach_of()` reads (the organisations) come with one `selectinload`
    each (one query per relation for the page).
    """
    if limit:
        ranking = ranking.limit(params.per_page).offset((params.page - 1) * params.per_page)
    page = ranking.subquery("page")
    distance = page.c.distance_km if origin else None
    return (
        sa.select(Service, page.c.distance_km, page.c.relevance, page.c.total)
        .join(page, page.c.id == Service.id)
        .join(Service.structure)
        .options(
            contains_eager(Service.structure).selectinload(Structure.organisation),
            selectinload(Service.receiving_organisation_explicit),
            selectinload(Service.thematique_links),
        )
        .order_by(*_ordering(page.c.relevance, distance, params.nearest_first))
    )


def _filters(params: SearchParams, origin, distance) -> list:
    conditions = [Service.withdrawn_at.is_(None)]  # gone from its source: kept for its orientations only
    if params.thematique:
        conditions.append(_has_thematique([params.thematique]))
    if params.volet:
        conditions.append(_has_thematique(thematiques_of_volet(params.volet)))
    if params.volets:
        conditions.append(_has_thematique([code for volet in params.volets for code in thematiques_of_volet(volet)]))
    if params.public and params.public not in enumeration("publics"):
        conditions.append(sa.false())  # an unknown public (API caller): nothing matches
    elif params.public:
        as_text = sa.cast(Service.publics, sa.Text)
        conditions.append(
            sa.or_(Service.publics.is_(None), as_text.like(f'%"{params.public}"%'), as_text.like('%"tous-publics"%'))
        )
    if params.any_words:
        conditions.append(_has_any_word(params.any_words))
    if params.frais:
        conditions.append(Service.frais == params.frais)
    if params.accepts_orientations:
        conditions.append(can_receive_clause())
    if params.label:
        conditions.append(has_label(params.label))
    if params.commune_code:
        conditions.append(_serves_commune(params.commune_code))
    if origin and params.max_distance_km is not None:
        conditions += [*within_box(origin, params.max_distance_km), distance <= params.max_distance_km]
    return conditions


def within_box(origin: tuple[float, float], km: float) -> list:
    """Latitude and longitude bounds around a circle of `km` (a little wider: 111 km a degree), so
    that the `(latitude, longitude)` index picks the candidates before the exact distance is computed."""
    latitude, longitude = origin
    delta_lat = km / 111.0
    delta_lon = km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
    return [
        Service.latitude.between(latitude - delta_lat, latitude + delta_lat),
        Service.longitude.between(longitude - delta_lon, longitude + delta_lon),
    ]


def has_label(label: str):
    """The service's structure carries the label (see `structure_has_label`)."""
    return sa.exists().where(Structure.id == Service.structure_id, structure_has_label(label))


def structure_has_label(label: str):
    """The structure carries the label (labels nationaux) or belongs to the network (réseaux porteurs),
    under any of its slugs (« conseiller-numerique », « conseillers-numeriques »): the directory's filter
    and the pilotage's counts by label."""
    networks = sa.cast(Structure.reseaux_porteurs, postgresql.JSONB)
    return sa.or_(
        *(Structure.labels_nationaux.contains([slug]) for slug in same_label(label)),
        *(networks.contains([slug]) for slug in same_label(label)),
    )


def _has_thematique(codes: list[str]):
    return sa.exists().where(ServiceThematique.service_id == Service.id, ServiceThematique.thematique.in_(codes))


# Services located in the commune, inside the coverage subquery (a Core alias, built once: an ORM
# `aliased(Service)` per search cost about 1 ms of statement building).
_LOCATED = Service.__table__.alias("located")


def _serves_commune(code: str):
    return serves_communes([code])


def serves_communes(codes: list[str]):
    """Located in one of the communes, or with a zone d'éligibilité naming it, its EPCI, its département
    or France — one subquery whatever the number of communes (a postcode can cover five).

    Written as `id IN (zones UNION located)` so that both sides use an index (an OR with EXISTS
    would visit every candidate row), as `id = ANY(ARRAY(...))`: the planner then
    probes the primary key for these few thousand ids instead of scanning every service to match
    a common word and hash-joining (seen in the benchmark's plans).
    """
    zone_codes = list(NATIONAL_CODES)
    for code in codes:
        commune = _commune(code)
        zone_codes += [code, code[:3] if code.startswith("97") else code[:2]]
        if commune is not None and commune.epci_siren:
            zone_codes.append(commune.epci_siren)
    serving = sa.union(
        sa.select(ServiceZone.service_id).where(ServiceZone.code.in_(sorted(set(zone_codes)))),
        sa.select(_LOCATED.c.id).where(_LOCATED.c.commune_code.in_(codes)),
    )
    return Service.id == sa.func.any(sa.func.array(serving.scalar_subquery()))


def _distance(origin: tuple[float, float]):
    """Haversine in SQL."""
    latitude, longitude = origin
    f = sa.func
    half_chord = f.power(f.sin(f.radians(Service.latitude - latitude) / 2), 2) + math.cos(
        math.radians(latitude)
    ) * f.cos(f.radians(Service.latitude)) * f.power(f.sin(f.radians(Service.longitude - longitude) / 2), 2)
    return 2 * EARTH_RADIUS_KM * f.asin(f.sqrt(half_chord))


def _ordering(relevance, distance, nearest_first: bool = False) -> list:
    by_distance = [distance.is_(None), distance] if distance is not None else []
    by_relevance = [_relevance_step(relevance).desc()]
    keys = [*by_distance, *by_relevance] if nearest_first else [*by_relevance, *by_distance]
    return [*keys, *french.by_name(Service.name), Service.id]


def _relevance_step(relevance):
    """Relevance in steps of 0.01, so that near-equal matches are ordered by distance."""
    return sa.func.round(sa.cast(relevance, sa.Numeric), 2)


def _text_match(words: list[str], tolerant: bool):
    """`&` of the query's stems; in the tolerant pass, `|` of them and of the closest known lexemes."""
    terms = list(words)
    if tolerant:
        terms += _closest_lexemes(words)
    # Whole stems, no prefix: "permis" (stem "perm") must not match "permanence".
    query = (" | " if tolerant else " & ").join(terms)
    tsquery = sa.func.to_tsquery(sa.literal_column("'public.french_unaccent'::regconfig"), query)
    return Service.search_vector.op("@@")(tsquery), sa.func.ts_rank(Service.search_vector, tsquery)


def _has_any_word(phrases) -> sa.ColumnElement:
    """Any word of the phrases (`|`, stemmed by the text configuration), on the index the text search uses."""
    words = sorted({word for phrase in phrases for word in query_words(phrase)})
    if not words:
        return sa.true()
    tsquery = sa.func.to_tsquery(sa.literal_column("'public.french_unaccent'::regconfig"), " | ".join(words))
    return Service.search_vector.op("@@")(tsquery)


def _closest_lexemes(words: list[str]) -> list[str]:
    """Typos: for each word, up to 3 lexemes of the directory that look like its stem (trigram index)."""
    found = db.session.execute(
        sa.text(
            "SELECT DISTINCT candidate.word FROM unnest(CAST(:stems AS text[])) AS typed(stem) "
            "CROSS JOIN LATERAL (SELECT word FROM search_words WHERE word % typed.stem "
            "ORDER BY similarity(word, typed.stem) DESC, word LIMIT 3) AS candidate"
        ),
        {"stems": [stem(word) for word in words]},
    ).scalars()
    return [word for word in found if WORD_ONLY.fullmatch(word)]


def _count(params: SearchParams, origin, tolerant: bool) -> int:
    """The total when the page asked is past the end (the window count came back with no row)."""
    first = replace(params, page=1, per_page=1)
    rows = db.session.execute(_statement(first, origin, tolerant)).all()
    return rows[0][3] if rows else 0


def _search_open_now(params: SearchParams, origin) -> SearchResult:
    """Opening hours are read in Python: filter every match, then cut the page."""
    now = params.now or utcnow()
    result = _run(replace(params, open_now=False), origin, tolerant=False, limit=False)
    if result.total == 0 and query_words(params.text):
        result = _run(replace(params, open_now=False), origin, tolerant=True, limit=False)
    open_items = [hit for hit in result.items if hours.is_open(hit.service.opening_hours, now)]
    start = (params.page - 1) * params.per_page
    return SearchResult(
        open_items[start : start + params.per_page],
        len(open_items),
        params.page,
        params.per_page,
        origin,
        result.typo_tolerant,
    )


# ---------------------------------------------------------------------------------------------
# Helpers


def _bounded(params: SearchParams) -> SearchParams:
    """Defend against absurd values from a URL or an API call: clamp, never fail."""
    page = max(1, min(int(params.page or 1), 10_000))
    per_page = max(1, min(int(params.per_page or 20), MAX_PER_PAGE))
    distance = params.max_distance_km
    if distance is not None and (not math.isfinite(distance) or distance <= 0):
        distance = None
    elif distance is not None:
        distance = min(distance, MAX_DISTANCE_KM)
    latitude, longitude = params.latitude, params.longitude
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        latitude = longitude = None
    return replace(
        params,
        page=page,
        per_page=per_page,
        max_distance_km=distance,
        latitude=latitude,
        longitude=longitude,
        text=(params.text or "")[:1000],
    )


def _origin(params: SearchParams) -> tuple[float, float] | None:
    if params.latitude is not None and params.longitude is not None:
        return params.latitude, params.longitude
    for code in (params.commune_code, params.near_commune_code):
        commune = _commune(code) if code else None
        if commune is not None and commune.latitude is not None:
            return commune.latitude, commune.longitude
    return None


@dataclass(frozen=True)
class _CommunePoint:
    latitude: float | None
    longitude: float | None
    epci_siren: str | None


_COMMUNES: dict[str, _CommunePoint] = {}


def _commune(code: str) -> _CommunePoint | None:
    """Reference data that never changes while the app runs: read once per process (found ones only)."""
    if code not in _COMMUNES:
        commune = db.session.get(Commune, code)
        if commune is None:
            return None
        _COMMUNES[code] = _CommunePoint(commune.latitude, commune.longitude, commune.epci_siren)
    return _COMMUNES[code]


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


# ---------------------------------------------------------------------------------------------
# Plain reads


def get_service(service_id: int) -> Service:
    return db.get_or_404(Service, service_id)


def get_structure(structure_id: int) -> Structure:
    return db.get_or_404(Structure, structure_id)


def _stale(now: datetime | None = None):
    from orientation.directory.freshness import overdue  # (freshness writes through the operations)

    return overdue(now or utcnow())


def _of_organisation(organisation_id: int):
    return Service.structure_id.in_(sa.select(Structure.id).where(Structure.organisation_id == organisation_id))


STALE_PAGE = 50


def services_matching(search: str) -> list:
    """WHERE clauses: each word searched in the service's, its structure's or its commune's name."""
    return [
        sa.or_(
            folded(Service.name).contains(word, autoescape=True),
            folded(Service.commune_name).contains(word, autoescape=True),
            Service.structure.has(folded(Structure.name).contains(word, autoescape=True)),
        )
        for word in search_words(search)
    ]


def stale_services_page(
    search: str = "", page=None, *, organisation_id: int | None = None, now: datetime | None = None
) -> Page:
    """Entries to confirm, the oldest first; only the organisation's own structures' when given."""
    conditions = [_stale(now), *services_matching(search)]
    if organisation_id is not None:
        conditions.append(_of_organisation(organisation_id))
    statement = (
        sa.select(Service).where(*conditions).order_by(Service.date_maj.is_(None).desc(), Service.date_maj, Service.id)
    )
    return paged(statement, page, STALE_PAGE, options=[selectinload(Service.structure)])


def count_stale_services(organisation_id: int, now: datetime | None = None) -> int:
    """The home's count for a manager: the same condition as the list, one statement."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Service).where(_stale(now), _of_organisation(organisation_id))
        )
        or 0
    )


def with_reach():
    """Loader options for what `reach_of()` reads: a list of services shows each one's reach in 3 queries."""
    return (
        selectinload(Service.structure).selectinload(Structure.organisation),
        selectinload(Service.receiving_organisation_explicit),
    )


def list_services_that_can_receive(volet: Volet | None = None) -> list[Service]:
    """Services an orientation can be sent to (members or e-mail link), with what their reach reads."""
    statement = sa.select(Service).where(can_receive_clause()).order_by(Service.name, Service.id).options(*with_reach())
    if volet is not None:
        statement = statement.where(_has_thematique(thematiques_of_volet(volet)))
    return list(db.session.scalars(statement))


def list_services_with_reach(ids) -> list[Service]:
    """These services (by id), by name, with what their cards and `reach_of()` read."""
    if not ids:
        return []
    statement = sa.select(Service).where(Service.id.in_(list(ids))).order_by(*french.by_name(Service.name), Service.id)
    return list(db.session.scalars(statement.options(*with_reach())))


def list_service_ids_of_volet(volet: Volet) -> list[int]:
    """Ids of the services of a volet still in the directory (what a form of that volet accepts)."""
    of_volet = _has_thematique(thematiques_of_volet(volet))
    return list(db.session.scalars(sa.select(Service.id).where(Service.withdrawn_at.is_(None), of_volet)))


def list_services_accepting_orientations(volet: Volet | None = None) -> list[Service]:
    statement = (
        sa.select(Service)
        .where(Service.accepts_orientations.is_(True), Service.withdrawn_at.is_(None))
        .order_by(*french.by_name(Service.name))
    )
    if volet is not None:
        statement = statement.where(_has_thematique(thematiques_of_volet(volet)))
    return list(db.session.scalars(statement))


IMPORT_RUNS_PAGE = 20


def import_runs_page(page: int | None = None) -> Page:
    """The history of imports, newest first; the large JSON columns are left out of the list."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun))
    page = within(page, total, IMPORT_RUNS_PAGE)
    statement = (
        sa.select(ImportRun)
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        .limit(IMPORT_RUNS_PAGE)
        .offset((page - 1) * IMPORT_RUNS_PAGE)
        .options(defer(ImportRun.preview), defer(ImportRun.report), selectinload(ImportRun.created_by))
    )
    return Page(list(db.session.scalars(statement)), total, page, IMPORT_RUNS_PAGE)


def get_import_run(run_id: int) -> ImportRun:
    return db.get_or_404(ImportRun, run_id)
