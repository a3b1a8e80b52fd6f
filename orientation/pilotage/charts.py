"""Server-rendered SVG charts (no JavaScript, no CDN; they print): geometry here, markup in _charts.html."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from orientation import french
from orientation.pilotage.tables import Share, Table, text_of

# DSFR illustrative colours (bleu France, and the choropleth's sequential classes, light to dark)
CLASS_COLOURS = ("#e3e3fd", "#cacafb", "#8585f6", "#6a6af4", "#000091")
NO_VALUE_COLOUR = "#f6f6f6"


@dataclass
class Bar:
    label: str
    text: str
    width: float  # 0..100, share of the longest bar
    hidden: bool


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    unit: str = ""
    height: int = field(init=False)

    def __post_init__(self):
        self.height = 28 * len(self.bars) + 8


def bar_chart(title: str, items: list[tuple[str, object]], unit: str = "") -> BarChart:
    numbers = [float(value) for _label, value in items if isinstance(value, int | float)]
    top = max(numbers, default=0) or 1
    bars = [
        Bar(
            label,
            text_of(value),
            (float(value) / top * 100) if isinstance(value, int | float) else 0,
            not isinstance(value, int | float),
        )
        for label, value in items
    ]
    return BarChart(title, bars, unit)


@dataclass
class Column:
    label: str
    short: str
    values: list[tuple[str, float]]  # (text, height 0..100) per series


@dataclass
class ColumnChart:
    title: str
    series: list[str]
    columns: list[Column]

    @property
    def width(self) -> int:
        return max(320, 24 + 40 * len(self.columns))


def month_chart(table: Table) -> ColumnChart:
    """Orientations sent and completed, per month of sending."""
    index = {header: number for number, header in enumerate(table.headers)}
    series = ("Envoyées", "Terminées")
    numbers = [row[index[name]] for row in table.rows for name in series if isinstance(row[index[name]], int)]
    top = max(numbers, default=0) or 1
    columns = []
    for row in table.rows:
        label = row[0]
        short = french.short_month_label(label)
        columns.append(
            Column(
                label,
                short,
                [
                    (
                        text_of(row[index[name]]),
                        (row[index[name]] / top * 100) if isinstance(row[index[name]], int) else 0,
                    )
                    for name in series
                ],
            )
        )
    return ColumnChart("Orientations par mois d'envoi", list(series), columns)


def dashboard_charts(tables: dict[str, Table]) -> dict:
    def pairs(key: str, column: int = 1):
        return [(row[0], row[column]) for row in tables[key].rows]

    volets = tables["volets"]
    return {
        "months": month_chart(tables["mois"]),
        "volets": bar_chart("Orientations envoyées par volet", pairs("volets")),
        "acceptance": bar_chart(
            "Taux d'acceptation par volet",
            [(row[0], row[volets.headers.index("Taux d'acceptation")]) for row in volets.rows],
        ),
        "reasons": bar_chart("Refus par motif", pairs("motifs-refus")),
        "outcomes": bar_chart("Résultats des orientations terminées", pairs("resultats")),
        "epci": bar_chart("Orientations envoyées par EPCI de la personne", pairs("epci", 2)),
    }


# ---------------------------------------------------------------------------------------------
# The map: one disc per EPCI at its population-weighted centre, coloured by class of the indicator


@dataclass
class MapPoint:
    name: str
    text: str
    x: float
    y: float
    colour: str
    label_x: float
    dark: bool = False  # white text on the darker classes


def classes(values: list[float]) -> list[float]:
    """Upper bounds of 5 equal-count classes (quantiles) of the visible values."""
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, math.ceil(len(ordered) * (k + 1) / 5) - 1)] for k in range(5)]


def epci_map(points: list[dict], width: int = 640, height: int = 520) -> dict:
    """Equirectangular projection of the EPCI centres, fitted to their extent (labels on the right)."""
    visible = [float(p["value"]) for p in points if isinstance(p["value"], int | float)]
    bounds = classes(visible)
    lats = [p["lat"] for p in points] or [44.0]
    lons = [p["lon"] for p in points] or [5.0]
    shrink = math.cos(math.radians(44))
    lat_min, lat_max, lon_min, lon_max = min(lats), max(lats), min(lons), max(lons)
    scale = min((width - 260) / max((lon_max - lon_min) * shrink, 0.01), (height - 60) / max(lat_max - lat_min, 0.01))
    drawn = []
    for point in points:
        x = 30 + (point["lon"] - lon_min) * shrink * scale
        y = 30 + (lat_max - point["lat"]) * scale
        value = point["value"]
        colour, dark = NO_VALUE_COLOUR, False
        if isinstance(value, int | float):
            index = next((k for k, bound in enumerate(bounds) if value <= bound), 4)
            colour, dark = CLASS_COLOURS[index], index >= 3
        drawn.append(MapPoint(point["name"], point["text"], round(x, 1), round(y, 1), colour, round(x + 22, 1), dark))
    is_rate = bool(points and points[0].get("rate"))
    legend = []
    previous = None
    for k, bound in enumerate(bounds):
        if previous is not None and bound == previous:
            continue
        shown = text_of(Share(bound)) if is_rate else text_of(int(bound))
        legend.append((CLASS_COLOURS[k], f"jusqu'à {shown}"))
        previous = bound
    return {"points": drawn, "legend": legend, "width": width, "height": height}
