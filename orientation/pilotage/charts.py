"""Server-rendered SVG charts (no JavaScript, no CDN; they print): geometry here, markup in _charts.html."""

from __future__ import annotations

from dataclasses import dataclass, field

from orientation import french
from orientation.pilotage.tables import Table, text_of


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
