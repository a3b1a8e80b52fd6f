"""Server-rendered SVG charts (no JavaScript, no CDN; they print): geometry here, markup in _charts.html.

Each chart names the table that holds its figures (`table`: the key of the page's « tableau-… »)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from orientation import french
from orientation.pilotage.tables import Table, text_of

LABEL_CHARACTERS = 34  # a bar's label beyond this is cut with « … », its full text kept in a <title>


@dataclass
class Bar:
    label: str
    text: str
    width: float  # 0..100, share of the longest bar
    hidden: bool

    @property
    def short(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARACTERS else self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def truncated(self) -> bool:
        return self.short != self.label


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    unit: str = ""
    table: str = ""
    height: int = field(init=False)

    def __post_init__(self):
        self.height = 28 * len(self.bars) + 8


def bar_chart(title: str, items: list[tuple[str, object]], unit: str = "", table: str = "") -> BarChart:
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
    return BarChart(title, bars, unit, table)


def nice_ticks(top: float, count: int = 4) -> list[int]:
    """0 and round steps (1, 2 or 5 × 10ⁿ) up to at least `top`: the graduations of an axis."""
    if top <= 0:
        return [0, 1]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(step * power for step in (1, 2, 5, 10) if step * power >= rough)
    step = max(1, int(step))
    return list(range(0, int(math.ceil(top / step)) * step + 1, step))


# The column chart's frame, in SVG units
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, COLUMN_WIDTH, BAR_WIDTH = 22, 182, 44, 60, 22


@dataclass
class ColumnBar:
    x: float
    y: float
    height: float
    text: str
    hidden: bool
    series: int


@dataclass
class Column:
    label: str  # « janvier 2026 »
    month: str  # « janv. »
    year: str  # « 2026 » under the first month and each January
    x: float  # centre
    bars: list[ColumnBar]


@dataclass
class ColumnChart:
    title: str
    series: list[str]
    columns: list[Column]
    ticks: list[tuple[str, float]] = field(default_factory=list)  # (text, y)
    table: str = ""
    top: int = PLOT_TOP
    bottom: int = PLOT_BOTTOM
    left: int = PLOT_LEFT

    @property
    def width(self) -> int:
        return max(320, PLOT_LEFT + 8 + COLUMN_WIDTH * len(self.columns))


def month_chart(table: Table) -> ColumnChart:
    """Orientations sent and completed, per month of sending: graduated axis, values above the bars."""
    index = {header: number for number, header in enumerate(table.headers)}
    series = ("Envoyées", "Terminées")
    numbers = [row[index[name]] for row in table.rows for name in series if isinstance(row[index[name]], int)]
    ticks = nice_ticks(max(numbers, default=0))
    span = PLOT_BOTTOM - PLOT_TOP

    def y_of(value: float) -> float:
        return round(PLOT_BOTTOM - value / ticks[-1] * span, 1)

    columns, previous_year = [], None
    for number, row in enumerate(table.rows):
        label = row[0]
        name, _, year = label.rpartition(" ")
        month = french.month_abbreviation(french.MONTHS.index(name) + 1) if name in french.MONTHS else label
        x = PLOT_LEFT + 8 + COLUMN_WIDTH * number
        bars = []
        for serie, column in enumerate(series):
            value = row[index[column]]
            shown = isinstance(value, int)
            y = y_of(value) if shown else PLOT_BOTTOM
            bars.append(
                ColumnBar(
                    x + 6 + serie * (BAR_WIDTH + 2), y, round(PLOT_BOTTOM - y, 1), text_of(value), not shown, serie
                )
            )
        columns.append(Column(label, month, year if year != previous_year else "", x + COLUMN_WIDTH / 2, bars))
        previous_year = year
    return ColumnChart(
        "Orientations par mois d'envoi",
        list(series),
        columns,
        [(french.number(tick, 0), y_of(tick)) for tick in ticks],
        "mois",
    )


def dashboard_charts(tables: dict[str, Table]) -> dict:
    def pairs(key: str, column: int = 1):
        return [(row[0], row[column]) for row in tables[key].rows]

    volets = tables["volets"]
    return {
        "months": month_chart(tables["mois"]),
        "volets": bar_chart("Orientations envoyées par volet", pairs("volets"), table="volets"),
        "acceptance": bar_chart(
            "Taux d'acceptation par volet",
            [(row[0], row[volets.headers.index("Taux d'acceptation")]) for row in volets.rows],
            table="volets",
        ),
        "reasons": bar_chart("Refus par motif", pairs("motifs-refus"), table="motifs-refus"),
        "outcomes": bar_chart("Résultats des orientations terminées", pairs("resultats"), table="resultats"),
        "epci": bar_chart("Orientations envoyées par EPCI de la personne", pairs("epci", 2), table="epci"),
    }
