"""The pilotage map: a server-rendered SVG choropleth (prints, works without JavaScript, CSP-safe).

The communes' outlines (territory/outlines.py) are projected once per commune→EPCI assignment
(equirectangular, fitted to the département); an EPCI is the union of its communes, so its border is
every edge shared by two communes of different EPCIs (edges matched by their rounded coordinates).
Each EPCI gets a number placed inside it, away from its borders and from the other numbers; the values
are classed with readable, rounded bounds. Markup in templates/pilotage/map.html."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from orientation import french
from orientation.territory.outlines import Ring, commune_outlines, departement_outline

# DSFR illustrative colours (bleu France), light to dark; the picks for 1 to 5 classes stay spread out
CLASS_COLOURS = ("#e3e3fd", "#cacafb", "#8585f6", "#6a6af4", "#000091")
PICKS = {1: (2,), 2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}
HIDDEN_COLOUR = "#f6f6f6"  # drawn with a hatch pattern (url(#pilotage-hatch)) in the template
HIDDEN_LABELS = {
    "count": "non publié (effectif < 5)",
    "per_10k": "non publié (effectif < 5)",
    "rate": "non calculé ou non publié (trop peu d'orientations)",
}
LABEL_RADIUS = 10
DIGITS = 5  # rounding of the coordinates when matching edges (about a metre)


# ---------------------------------------------------------------------------------------------
# Classes: bounds are quantiles rounded to « nice » numbers, never duplicated, written out in French


def nice(value: float, integer: bool) -> float:
    """Round to 2 significant digits, the second one 0 or 5 (13 → 15, 87 → 85, 1 234 → 1 250)."""
    if value <= 0:
        return 0
    unit = 10 ** math.floor(math.log10(value)) / 2
    if integer:
        unit = max(unit, 1)
    rounded = math.floor(value / unit + 0.5) * unit  # half up (round() would give 12.5 → 10)
    return int(rounded) if integer else round(rounded, 6)


@dataclass
class Classes:
    breaks: list[float]  # lower bounds of the classes after the first, ascending, distinct
    labels: list[str]
    colours: list[str]

    def index(self, value: float) -> int:
        return sum(1 for bound in self.breaks if value >= bound)

    def colour(self, value: float) -> str:
        return self.colours[self.index(value)]


def map_classes(values: list[float], *, integer: bool = True, unit: str = "", count: int = 5) -> Classes:
    """Up to `count` classes of the visible values (none when there is none)."""
    ordered = sorted(values)
    if not ordered:
        return Classes([], [], [])
    low, high = ordered[0], ordered[-1]

    def shown(number: float) -> str:
        return french.number(number, 0 if integer else 1) + unit

    breaks = sorted(
        {
            bound
            for k in range(1, count)
            if low < (bound := nice(ordered[min(len(ordered) - 1, len(ordered) * k // count)], integer)) <= high
        }
    )
    if not breaks:
        labels = [shown(low) if low == high else f"de {shown(low)} à {shown(high)}"]
    else:
        labels = [f"moins de {shown(breaks[0])}"]
        for lower, upper in zip(breaks, breaks[1:], strict=False):
            if integer:
                labels.append(shown(lower) if upper - 1 == lower else f"de {shown(lower)} à {shown(upper - 1)}")
            else:
                labels.append(f"de {shown(lower)} à moins de {shown(upper)}")
        labels.append(f"{shown(breaks[-1])} et plus")
    colours = [CLASS_COLOURS[pick] for pick in PICKS[len(labels)]]
    return Classes(breaks, labels, colours)


# ---------------------------------------------------------------------------------------------
# Geometry, computed once per commune→EPCI assignment


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    communes: dict[str, str]  # INSEE code → SVG path
    epci_of: dict[str, str | None]
    epci_borders: str  # SVG path of the edges between communes of different EPCIs
    outline: str  # the département
    labels: dict[str, tuple[float, float]]  # EPCI siren → where its number goes


def _key(point: tuple[float, float]) -> tuple[float, float]:
    return (round(point[0], DIGITS), round(point[1], DIGITS))


def edges(rings_by_code: dict[str, tuple[Ring, ...]]) -> dict[tuple, list[str]]:
    """Each edge (its two rounded ends, sorted) → the communes whose outline has it, in drawing order."""
    owners: dict[tuple, list[str]] = {}
    for code, rings in rings_by_code.items():
        for ring in rings:
            for start, end in zip(ring, ring[1:], strict=False):
                a, b = _key(start), _key(end)
                if a != b:
                    owners.setdefault((min(a, b), max(a, b)), []).append(code)
    return owners


def epci_border_edges(owners: dict[tuple, list[str]], epci_of: dict[str, str | None]) -> list[tuple]:
    """The edges shared by two communes of different EPCIs (an edge inside one EPCI is not a border)."""
    return [edge for edge, codes in owners.items() if len({epci_of.get(code) for code in codes}) > 1]


class _Projection:
    def __init__(self, rings: list[Ring], width: int, pad: int = 12):
        lons = [lon for ring in rings for lon, _lat in ring]
        lats = [lat for ring in rings for _lon, lat in ring]
        self.lon_min, self.lat_max = min(lons), max(lats)
        self.shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.scale = (width - 2 * pad) / ((max(lons) - self.lon_min) * self.shrink)
        self.pad = pad
        self.height = math.ceil((self.lat_max - min(lats)) * self.scale + 2 * pad)

    def __call__(self, point: tuple[float, float]) -> tuple[float, float]:
        return (
            round(self.pad + (point[0] - self.lon_min) * self.shrink * self.scale, 1),
            round(self.pad + (self.lat_max - point[1]) * self.scale, 1),
        )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(points: list[tuple[float, float]], close: bool) -> str:
    kept = [point for index, point in enumerate(points) if index == 0 or point != points[index - 1]]
    if len(kept) < 2:
        return ""
    text = "M" + "L".join(f"{_number(x)} {_number(y)}" for x, y in kept)
    return text + ("Z" if close else "")


def _segments_path(segments: list[tuple[tuple[float, float], tuple[float, float]]]) -> str:
    parts, last = [], None
    for start, end in segments:
        if start == end:
            continue
        parts.append(
            (f"L{_number(end[0])} {_number(end[1])}")
            if start == last
            else f"M{_number(start[0])} {_number(start[1])}L{_number(end[0])} {_number(end[1])}"
        )
        last = end
    return "".join(parts)


def _inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _distance(point, start, end) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _label_candidates(rings: list[list[tuple[float, float]]], border: list[tuple], step: float = 10) -> list[tuple]:
    """Points inside the EPCI, farthest from its border first (an approximate pole of inaccessibility)."""
    outer = [
        (ring, min(x for x, _ in ring), max(x for x, _ in ring), min(y for _, y in ring), max(y for _, y in ring))
        for ring in rings
        if len(ring) > 3
    ]
    if not outer:
        return []
    left, right = min(box[1] for box in outer), max(box[2] for box in outer)
    top, bottom = min(box[3] for box in outer), max(box[4] for box in outer)
    boxes = [(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]), a, b) for a, b in border]
    scored = []
    y = top + step / 2
    while y < bottom:
        x = left + step / 2
        while x < right:
            crossings = sum(_inside((x, y), ring) for ring, x0, x1, y0, y1 in outer if x0 <= x <= x1 and y0 <= y <= y1)
            if crossings % 2:
                near = float("inf")
                for x0, x1, y0, y1, a, b in boxes:
                    if x0 - x < near and x - x1 < near and y0 - y < near and y - y1 < near:  # else too far
                        near = min(near, _distance((x, y), a, b))
                scored.append((near, (x, y)))
            x += step
        y += step
    if not scored:  # a sliver: the middle of its points
        points = [point for ring, *_box in outer for point in ring]
        scored = [(0, (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)))]
    scored.sort(key=lambda item: -item[0])
    return scored[:40]


@lru_cache(maxsize=4)
def layout(assignment: tuple[tuple[str, str | None], ...], width: int = 600) -> Layout:
    """`assignment`: (INSEE code, EPCI siren) for the communes the database knows (others: no EPCI)."""
    rings_by_code = commune_outlines()
    epci_of = {code: None for code in rings_by_code} | {
        code: siren for code, siren in assignment if code in rings_by_code
    }
    outline = departement_outline()
    project = _Projection([ring for rings in rings_by_code.values() for ring in rings] + list(outline), width)
    owners = edges(rings_by_code)
    communes = {
        code: "".join(_path([project(point) for point in ring], close=True) for ring in rings)
        for code, rings in rings_by_code.items()
    }
    border_edges = epci_border_edges(owners, epci_of)
    # in ring order (the edges' order of first sight), consecutive edges join into one line
    epci_borders = _segments_path([(project(a), project(b)) for a, b in border_edges])
    # each EPCI's own border: its edges with another EPCI or with the outside of the département
    own_border: dict[str, list] = defaultdict(list)
    for (a, b), codes in owners.items():
        sirens = {epci_of.get(code) for code in codes}
        if len(codes) == 1 or len(sirens) > 1:
            for siren in sirens:
                if siren:
                    own_border[siren].append((project(a), project(b)))
    labels: dict[str, tuple[float, float]] = {}
    candidates = {}
    for siren in sorted({siren for siren in epci_of.values() if siren}):
        rings = [
            [project(point) for point in ring]
            for code, rings_of in rings_by_code.items()
            if epci_of[code] == siren
            for ring in rings_of
        ]
        candidates[siren] = _label_candidates(rings, own_border[siren])
    gap = 2 * LABEL_RADIUS + 3
    for siren in sorted(candidates, key=lambda s: candidates[s][0][0] if candidates[s] else 0):  # tightest first
        for _score, point in candidates[siren]:
            if all(math.dist(point, other) >= gap for other in labels.values()):
                labels[siren] = (round(point[0], 1), round(point[1], 1))
                break
        else:
            if candidates[siren]:
                labels[siren] = tuple(round(c, 1) for c in candidates[siren][0][1])
    return Layout(
        width,
        project.height,
        communes,
        epci_of,
        epci_borders,
        "".join(_path([project(point) for point in ring], close=True) for ring in outline),
        labels,
    )


# ---------------------------------------------------------------------------------------------
# One map: the layout, coloured by the values


@dataclass
class Shape:
    siren: str | None
    number: int | None
    name: str
    text: str
    colour: str
    hidden: bool
    paths: list[str]
    label: tuple[float, float] | None = None


@dataclass
class ChoroplethMap:
    width: int
    height: int
    shapes: list[Shape]
    epci_borders: str
    outline: str
    legend: list[tuple[str, str, bool]] = field(default_factory=list)  # (colour, label, hatched)


def choropleth(points: list[dict], assignment: tuple, kind: str = "count") -> ChoroplethMap:
    """`points`: {siren, name, value (a number, or None/a text when not published), text} per EPCI, in
    the order of their numbers; `kind`: count, rate (a share 0..1, classed in %) or per_10k."""

    def number_of(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value) * 100 if kind == "rate" else value

    visible = [number for point in points if (number := number_of(point["value"])) is not None]
    classes = map_classes(visible, integer=kind == "count", unit=" %" if kind == "rate" else "")
    drawn = layout(assignment)
    paths_of: dict[str | None, list[str]] = defaultdict(list)
    for code, path in drawn.communes.items():
        paths_of[drawn.epci_of[code]].append(path)
    shapes, any_hidden = [], False
    for number, point in enumerate(points, start=1):
        value = number_of(point["value"])
        hidden = value is None
        any_hidden = any_hidden or hidden
        shapes.append(
            Shape(
                point["siren"],
                number,
                point["name"],
                point["text"],
                HIDDEN_COLOUR if hidden else classes.colour(value),
                hidden,
                paths_of.pop(point["siren"], []),
                drawn.labels.get(point["siren"]),
            )
        )
    rest = [path for paths in paths_of.values() for path in paths]
    if rest:  # communes of no EPCI shown (another département's EPCI, or none): drawn, uncoloured
        shapes.append(Shape(None, None, "Communes hors des EPCI présentés", "sans objet", "#ffffff", False, rest))
    legend = [(colour, label, False) for colour, label in zip(classes.colours, classes.labels, strict=True)]
    if any_hidden:
        legend.append((HIDDEN_COLOUR, HIDDEN_LABELS[kind], True))
    if not points:
        legend.append((HIDDEN_COLOUR, "aucune donnée", False))
    return ChoroplethMap(drawn.width, drawn.height, shapes, drawn.epci_borders, drawn.outline, legend)


# ---------------------------------------------------------------------------------------------
# The « zones blanches » map: each commune coloured by its distance to the nearest service of a volet

NEAR_COLOURS = ("#e3e3fd", "#8585f6", "#000091")  # within the threshold, near to far
WHITE_ZONE_COLOUR = "#fc5d00"  # DSFR warning orange: beyond the threshold
UNPLACED_COLOUR = "#ffffff"


def distance_classes(threshold_km: float) -> Classes:
    """Three classes within the threshold (thirds, rounded) and the white zone beyond it."""
    thirds = sorted(
        bound for k in (1, 2) if 0 < (bound := nice(threshold_km * k / 3, integer=threshold_km >= 3)) < threshold_km
    )
    breaks = [*thirds, threshold_km]

    def km(value: float) -> str:
        return french.number(value, 0 if float(value).is_integer() else 1) + " km"

    labels = [f"moins de {km(breaks[0])}"]
    labels += [f"de {km(low)} à {km(high)}" for low, high in zip(breaks, breaks[1:], strict=False)]
    labels.append(f"plus de {km(threshold_km)} : zone blanche")
    colours = [*NEAR_COLOURS[-len(thirds) - 1 :], WHITE_ZONE_COLOUR]
    return Classes(breaks, labels, colours)


def distance_map(distances: dict[str, tuple[str, float | None]], assignment: tuple, threshold_km: float):
    """`distances`: INSEE code → (commune name, km to the nearest service, None when the volet has none).
    A commune at exactly the threshold is not a white zone (as `offer.white_zones`)."""
    classes = distance_classes(threshold_km)
    drawn = layout(assignment)
    shapes, no_service, unplaced = [], False, False
    for code, path in drawn.communes.items():
        name, km = distances.get(code, (None, None))
        if name is None:  # a commune without a known centre: no distance
            unplaced = True
            shapes.append(Shape(None, None, code, "position inconnue", UNPLACED_COLOUR, False, [path]))
            continue
        if km is None:
            no_service = True
            shapes.append(Shape(code, None, name, "aucun service du volet", HIDDEN_COLOUR, True, [path]))
            continue
        index = classes.index(km) if km != threshold_km else len(classes.breaks) - 1
        text = french.number(km, 1) + " km" + (" : zone blanche" if km > threshold_km else "")
        shapes.append(Shape(code, None, name, text, classes.colours[index], False, [path]))
    legend = [(colour, label, False) for colour, label in zip(classes.colours, classes.labels, strict=True)]
    if no_service:
        legend.append((HIDDEN_COLOUR, "aucun service du volet dans l'annuaire", True))
    if unplaced:
        legend.append((UNPLACED_COLOUR, "commune sans position connue", False))
    return ChoroplethMap(drawn.width, drawn.height, shapes, drawn.epci_borders, drawn.outline, legend)
