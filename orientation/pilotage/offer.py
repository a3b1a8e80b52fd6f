"""The offer beside the demand: the directory as it is today, read for the coordination.

- services per EPCI and volet: a live service (not withdrawn from the directory) counts in an EPCI when
  it is located in one of its communes (its `commune_code`; its zones d'éligibilité are not read), and
  in each volet of its thématiques;
- structures labelled France Services or hosting conseillers numériques, per EPCI of their commune,
  with the directory's own label rule (`directory.queries.structure_has_label`);
- « zones blanches »: for each commune and volet, the great-circle distance from the commune's centre
  to the nearest live service of the volet (its position, else its commune's centre).

These are counts of services and structures, not of people: no small count is hidden here.
At 100,000 services they take seconds: the worker computes them every 10 minutes (`store_snapshot`,
worker/schedule.py) and the pages read the latest (`current`); before the first, they are computed live.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime

import sqlalchemy as sa

from orientation import french
from orientation.directory.models import Service, ServiceThematique, Structure
from orientation.directory.queries import EARTH_RADIUS_KM, structure_has_label
from orientation.directory.thematiques import VOLET_BY_GROUP, Volet
from orientation.extensions import db
from orientation.pilotage.models import OfferSnapshot
from orientation.pilotage.queries import epci_populations
from orientation.territory.models import Commune, Epci

FRANCE_SERVICES = "france-services"
CONSEILLER_NUMERIQUE = "conseiller-numerique"

LIVE = Service.withdrawn_at.is_(None)
# The part of a thématique before "--": its group, which names the volet (thematiques.VOLET_BY_GROUP).
_GROUP = sa.func.split_part(ServiceThematique.thematique, "--", 1)


@dataclass
class EpciOffer:
    siren: str
    name: str
    population: int | None
    services: dict[Volet, int] = field(default_factory=dict)
    france_services: int = 0
    conseillers_numeriques: int = 0

    def per_10k(self, volet: Volet) -> float | None:
        if not self.population:
            return None
        return self.services.get(volet, 0) * 10_000 / self.population


def offer_by_epci() -> list[EpciOffer]:
    """Every EPCI of the territory (by name), with its live services per volet and its labelled structures."""
    populations = epci_populations()
    lines = {
        siren: EpciOffer(siren, name, populations.get(siren))
        for siren, name in db.session.execute(sa.select(Epci.siren, Epci.name))
    }
    services = db.session.execute(
        sa.select(Commune.epci_siren, _GROUP, sa.func.count(sa.distinct(Service.id)))
        .select_from(Service)
        .join(Commune, Commune.code_insee == Service.commune_code)
        .join(ServiceThematique, ServiceThematique.service_id == Service.id)
        .where(LIVE, Commune.epci_siren.is_not(None), _GROUP.in_(sorted(VOLET_BY_GROUP)))
        .group_by(Commune.epci_siren, _GROUP)
    )
    for siren, group, count in services:
        if siren in lines:
            lines[siren].services[VOLET_BY_GROUP[group]] = int(count)
    labelled = db.session.execute(
        sa.select(
            Commune.epci_siren,
            sa.func.count().filter(structure_has_label(FRANCE_SERVICES)),
            sa.func.count().filter(structure_has_label(CONSEILLER_NUMERIQUE)),
        )
        .select_from(Structure)
        .join(Commune, Commune.code_insee == Structure.commune_code)
        .where(Structure.withdrawn_at.is_(None), Commune.epci_siren.is_not(None))
        .group_by(Commune.epci_siren)
    )
    for siren, france_services, conseillers in labelled:
        if siren in lines:
            lines[siren].france_services = int(france_services)
            lines[siren].conseillers_numeriques = int(conseillers)
    return french.sorted_names(list(lines.values()), key=lambda line: line.name)


@dataclass
class Distance:
    commune_code: str
    commune: str
    epci: str
    population: int | None
    volet: Volet
    km: float | None  # None: no live service of the volet anywhere


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine, as the directory's distance in SQL (`directory.queries._distance`)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    half_chord = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))


def service_positions() -> dict[Volet, set[tuple[float, float]]]:
    """The distinct positions of the live services of each volet (one query): a service without its own
    position stands at its commune's centre. Positions are rounded to about 100 m, so that the many
    services of one address (or one commune centre) are measured once."""
    located = Commune.__table__.alias("located")
    latitude = sa.func.coalesce(Service.latitude, located.c.latitude)
    longitude = sa.func.coalesce(Service.longitude, located.c.longitude)
    rows = db.session.execute(
        sa.select(
            _GROUP, sa.func.round(sa.cast(latitude, sa.Numeric), 3), sa.func.round(sa.cast(longitude, sa.Numeric), 3)
        )
        .distinct()
        .select_from(Service)
        .join(ServiceThematique, ServiceThematique.service_id == Service.id)
        .outerjoin(located, located.c.code_insee == Service.commune_code)
        .where(LIVE, _GROUP.in_(sorted(VOLET_BY_GROUP)), latitude.is_not(None), longitude.is_not(None))
    )
    positions: dict[Volet, set[tuple[float, float]]] = {volet: set() for volet in Volet}
    for group, lat, lon in rows:
        positions[VOLET_BY_GROUP[group]].add((float(lat), float(lon)))
    return positions


def _rounded(degrees):
    return sa.func.round(sa.cast(degrees, sa.Numeric), 3)


def nearest_distances() -> list[Distance]:
    """For each commune with a centre and each volet, the distance to the nearest live service of the volet."""
    epci_names = dict(db.session.execute(sa.select(Epci.siren, Epci.name)).tuples().all())
    communes = db.session.execute(
        sa.select(
            Commune.code_insee,
            Commune.name,
            Commune.epci_siren,
            Commune.population,
            Commune.latitude,
            Commune.longitude,
        )
        .where(Commune.latitude.is_not(None), Commune.longitude.is_not(None))
        .order_by(Commune.code_insee)
    ).all()
    grids = {volet: Grid(positions) for volet, positions in service_positions().items()}
    distances = []
    for code, name, siren, population, lat, lon in communes:
        for volet in Volet:
            km = grids[volet].nearest_km((lat, lon))
            distances.append(Distance(code, name, epci_names.get(siren, ""), population, volet, km))
    return distances


class Grid:
    """Positions in cells of a tenth of a degree: the nearest is looked for in rings of cells around the
    commune, until no farther ring can hold a nearer one (thousands of services stay fast in Python)."""

    CELL = 0.1  # degrees
    CELL_KM = CELL * 111.2 * math.cos(math.radians(50))  # the narrowest side of a cell, north of Vaucluse too

    def __init__(self, positions: set[tuple[float, float]]):
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for position in positions:
            self.cells.setdefault(self._cell(position), []).append(position)

    def _cell(self, position: tuple[float, float]) -> tuple[int, int]:
        return math.floor(position[0] / self.CELL), math.floor(position[1] / self.CELL)

    def nearest_km(self, origin: tuple[float, float]) -> float | None:
        if not self.cells:
            return None
        row, column = self._cell(origin)
        farthest = max(max(abs(r - row), abs(c - column)) for r, c in self.cells)
        best = None
        for ring in range(farthest + 1):
            if 8 * ring > len(self.cells):  # a ring wider than the cells held: look at every position at once
                return min(great_circle_km(origin, where) for cell in self.cells.values() for where in cell)
            for cell in _ring(row, column, ring):
                for position in self.cells.get(cell, ()):
                    km = great_circle_km(origin, position)
                    best = km if best is None or km < best else best
            if best is not None and best <= ring * self.CELL_KM:
                break  # every farther ring is at least this far
        return best


def white_zones(threshold_km: float, distances: list[Distance] | None = None) -> list[Distance]:
    """The communes and volets whose nearest service is farther than the threshold (or that have none),
    farthest first."""
    distances = nearest_distances() if distances is None else distances
    far = [line for line in distances if line.km is None or line.km > threshold_km]
    return sorted(far, key=lambda line: (-(line.km if line.km is not None else math.inf), line.commune, line.volet))


def _ring(row: int, column: int, ring: int):
    """The cells at `ring` cells from (row, column): the border of a square."""
    if ring == 0:
        yield row, column
        return
    for c in range(column - ring, column + ring + 1):
        yield row - ring, c
        yield row + ring, c
    for r in range(row - ring + 1, row + ring):
        yield r, column - ring
        yield r, column + ring


# ---------------------------------------------------------------------------------------------
# The snapshot the pages read


@dataclass
class Offer:
    lines: list[EpciOffer]
    distances: list[Distance]
    computed_at: datetime | None  # None: computed for this page (no snapshot yet)


def compute() -> Offer:
    return Offer(offer_by_epci(), nearest_distances(), None)


def store_snapshot() -> OfferSnapshot:
    """Compute the offer and keep it as the only snapshot (flush; the task commits)."""
    offer = compute()
    payload = {
        "epci": [
            {**asdict(line), "services": {volet.value: count for volet, count in line.services.items()}}
            for line in offer.lines
        ],
        "distances": [{**asdict(line), "volet": line.volet.value} for line in offer.distances],
    }
    db.session.execute(sa.delete(OfferSnapshot))
    snapshot = OfferSnapshot(payload=payload)
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def current() -> Offer:
    """The worker's latest snapshot, else the offer computed now."""
    snapshot = db.session.scalars(sa.select(OfferSnapshot).order_by(OfferSnapshot.computed_at.desc()).limit(1)).first()
    if snapshot is None:
        return compute()
    lines = [
        EpciOffer(**{**line, "services": {Volet(volet): count for volet, count in line["services"].items()}})
        for line in snapshot.payload["epci"]
    ]
    distances = [Distance(**{**line, "volet": Volet(line["volet"])}) for line in snapshot.payload["distances"]]
    return Offer(lines, distances, snapshot.computed_at)
