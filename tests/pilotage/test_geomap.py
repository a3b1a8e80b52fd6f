"""The map's geometry (EPCI borders, every commune drawn, numbered labels apart) and its classes; the
column chart's graduations and month labels."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import pytest

from orientation.pilotage import charts, geomap
from orientation.pilotage.tables import HIDDEN, Table
from orientation.small_counts import MASKED
from orientation.territory.outlines import commune_outlines, departement_outline

DATA = Path(__file__).resolve().parents[2] / "orientation" / "territory" / "data"


def _assignment() -> tuple:
    with open(DATA / "vaucluse-communes.csv", encoding="utf-8") as handle:
        return tuple((row["code_insee"], row["epci_siren"]) for row in csv.DictReader(handle))


def _epcis() -> dict[str, str]:
    with open(DATA / "vaucluse-epci.csv", encoding="utf-8") as handle:
        return {row["epci_siren"]: row["nom"] for row in csv.DictReader(handle)}


def test_the_outlines_are_the_territorys_151_communes_and_the_departement():
    assert set(commune_outlines()) == {code for code, _siren in _assignment()} and len(commune_outlines()) == 151
    assert departement_outline() and all(ring[0] == ring[-1] for ring in departement_outline())


def test_an_edge_inside_an_epci_is_not_an_epci_border():
    epci_of = dict(_assignment())
    owners = geomap.edges(commune_outlines())
    borders = set(geomap.epci_border_edges(owners, epci_of))
    shared = [(edge, codes) for edge, codes in owners.items() if len(codes) == 2]
    inside = [edge for edge, (a, b) in shared if epci_of[a] == epci_of[b]]
    between = [edge for edge, (a, b) in shared if epci_of[a] != epci_of[b]]
    assert inside and between
    assert not borders & set(inside)
    assert borders == set(between)
    assert all(len(codes) <= 2 for codes in owners.values())  # a clean topology: an edge has 1 or 2 sides


def test_borders_on_three_squares():
    square = lambda x: ((x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0), (x, 0.0))  # noqa: E731
    rings = {"a": (square(0),), "b": (square(1),), "c": (square(2),)}
    owners = geomap.edges(rings)
    borders = geomap.epci_border_edges(owners, {"a": "E1", "b": "E1", "c": "E2"})
    assert borders == [((2.0, 0.0), (2.0, 1.0))]  # a|b inside E1: not drawn; b|c between E1 and E2


def test_every_commune_is_drawn_and_labels_do_not_overlap():
    layout = geomap.layout(_assignment())
    assert len(layout.communes) == 151 and all(path.startswith("M") for path in layout.communes.values())
    assert layout.epci_borders.startswith("M") and layout.outline.startswith("M")
    assert set(layout.labels) == {siren for _code, siren in _assignment()}
    placed = list(layout.labels.values())
    for number, point in enumerate(placed):
        assert 0 <= point[0] <= layout.width and 0 <= point[1] <= layout.height
        for other in placed[number + 1 :]:
            assert math.dist(point, other) >= 2 * geomap.LABEL_RADIUS


def test_the_map_colours_every_commune_and_hides_hidden_values():
    epcis = _epcis()
    points = [
        {"siren": siren, "name": name, "value": value, "text": str(value)}
        for (siren, name), value in zip(epcis.items(), [None, MASKED, 0, 5, 12, 40, 90, 130] * 2, strict=False)
    ]
    drawn = geomap.choropleth(points, _assignment(), "count")
    assert sum(len(shape.paths) for shape in drawn.shapes) == 151
    assert [shape.hidden for shape in drawn.shapes[:2]] == [True, True]
    assert drawn.legend[-1] == (geomap.HIDDEN_COLOUR, "non publié (effectif < 5)", True)
    labels = [label for _colour, label, _hatched in drawn.legend]
    assert len(labels) == len(set(labels)) and len({colour for colour, *_ in drawn.legend[:-1]}) == len(labels) - 1


@pytest.mark.parametrize(
    ("values", "integer", "expected"),
    [
        ([], True, []),
        ([7], True, ["7"]),
        ([12, 12, 12], True, ["12"]),
        ([12, 13], True, ["de 12 à 13"]),
        (
            [0, 5, 9, 13, 20, 31, 47, 60, 88, 130],
            True,
            ["moins de 9", "de 9 à 19", "de 20 à 44", "de 45 à 89", "90 et plus"],
        ),
        ([0.0, 12.5, 33.3, 41.0], False, ["moins de 15", "de 15 à moins de 35", "de 35 à moins de 40", "40 et plus"]),
    ],
)
def test_classes_are_readable_and_never_duplicated(values, integer, expected):
    classes = geomap.map_classes(values, integer=integer)
    assert classes.labels == expected
    assert len(set(classes.labels)) == len(classes.labels) == len(classes.colours) == len(set(classes.colours))
    assert classes.breaks == sorted(set(classes.breaks))
    for value in values:
        assert 0 <= classes.index(value) < len(classes.labels)
    assert "jusqu'à" not in " ".join(classes.labels)


def test_classes_of_any_values_stay_distinct():
    for values in ([1, 2], [0, 0, 0, 1000], list(range(0, 1000, 7)), [5, 5, 5, 5, 6], [0.01, 0.02, 0.5], [99.5, 100]):
        for integer in (True, False):
            classes = geomap.map_classes(values, integer=integer)
            assert len(set(classes.labels)) == len(classes.labels) >= 1
            assert all(classes.index(v) < len(classes.labels) for v in values)
            # each value falls in the class its label describes: the bound below it is not above it
            for value in values:
                index = classes.index(value)
                assert index == 0 or classes.breaks[index - 1] <= value


def test_a_map_with_nothing_or_all_hidden_has_only_the_grey_classes():
    epcis = list(_epcis().items())
    hidden = geomap.choropleth(
        [{"siren": s, "name": n, "value": None, "text": HIDDEN} for s, n in epcis], _assignment()
    )
    assert [label for _c, label, _h in hidden.legend] == ["non publié (effectif < 5)"]
    assert all(shape.hidden for shape in hidden.shapes)
    empty = geomap.choropleth([], _assignment())
    assert [label for _c, label, _h in empty.legend] == ["aucune donnée"]
    assert sum(len(shape.paths) for shape in empty.shapes) == 151
    rates = geomap.choropleth(
        [{"siren": s, "name": n, "value": 0.5, "text": "50 %"} for s, n in epcis], _assignment(), "rate"
    )
    assert [label for _c, label, _h in rates.legend] == ["50 %"]


def test_nice_ticks():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(3) == [0, 1, 2, 3]
    assert charts.nice_ticks(37) == [0, 10, 20, 30, 40]
    assert charts.nice_ticks(180) == [0, 50, 100, 150, 200]
    assert charts.nice_ticks(1234) == [0, 500, 1000, 1500]


def test_the_month_chart_has_graduations_values_and_locale_months():
    table = Table(
        "mois", "Par mois", ["Mois", "Envoyées", "Terminées"], [["décembre 2025", 37, None], ["janvier 2026", 12, 5]]
    )
    chart = charts.month_chart(table)
    assert [text for text, _y in chart.ticks] == ["0", "10", "20", "30", "40"]
    assert [(column.month, column.year) for column in chart.columns] == [("déc.", "2025"), ("janv.", "2026")]
    first = chart.columns[0].bars
    assert first[0].text == "37" and not first[0].hidden and first[1].hidden and first[1].text == HIDDEN
    assert chart.table == "mois"
    assert Counter(bar.series for column in chart.columns for bar in column.bars) == {0: 2, 1: 2}


def test_long_bar_labels_keep_their_full_text():
    chart = charts.bar_chart(
        "Refus", [("Le service ne correspond pas aux besoins de la personne orientée", 7)], table="motifs-refus"
    )
    bar = chart.bars[0]
    assert bar.truncated and bar.short.endswith("…") and len(bar.short) <= charts.LABEL_CHARACTERS
