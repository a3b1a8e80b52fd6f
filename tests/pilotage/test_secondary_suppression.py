"""Secondary suppression: no small count can be worked out from a published total by difference."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from orientation.pilotage.queries import MASKED, mask, protect, protect_table
from orientation.pilotage.tables import text_of
from tests.pilotage.conftest import COVE, GRAND_AVIGNON
from tests.pilotage.disclosure import RATE, TOTALS, exposed
from tests.pilotage.test_pages import _csv


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([20, 3, 10, 0], [20, None, MASKED, 0]),  # 3 = total − 30: the smallest other count goes too
        ([2, 2, 30], [None, None, MASKED]),  # two hidden, but 4 together (each then ≤ 4) : not enough
        ([4, 3, 12, 50], [None, None, 12, 50]),  # 7 hidden among two cells: no single one can be found
        ([0, 8, 9], [0, 8, 9]),  # nothing small: nothing hidden
        ([3, 0], [None, 0]),  # the total (3) is itself hidden
        ([1, 6, 0, 7], [None, MASKED, 0, 7]),
    ],
)
def test_protect(values, expected):
    assert protect(values) == expected


TABLES = ("epci", "mois", "volets", "emettrices", "destinataires", "services")


def published_csv(client) -> tuple[dict, dict[str, list[dict]]]:
    key = {row["Indicateur"]: row["Valeur"] for row in _csv(client.get("/pilotage/export/indicateurs.csv"))}
    return key, {table: _csv(client.get(f"/pilotage/export/{table}.csv")) for table in TABLES}


def published_xlsx(client) -> tuple[dict, dict[str, list[dict]]]:
    """The same tables as a reader of the workbook gets them (shares as exact numbers)."""
    book = load_workbook(io.BytesIO(client.get("/pilotage/export/tout.xlsx").get_data()), read_only=True)

    def text(value) -> str:
        return "" if value is None else str(value) if isinstance(value, int | str) else repr(value)

    sheets = {}
    for sheet in book.worksheets:
        lines = [[text(value) for value in line] for line in sheet.iter_rows(min_row=3, values_only=True)]
        sheets[sheet.title] = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    key = {row["Indicateur"]: row["Valeur"] for row in sheets["indicateurs"]}
    return key, {table: sheets[table] for table in TABLES}


def assert_nothing_recoverable(client) -> None:
    for published in (published_csv, published_xlsx):
        key, tables = published(client)
        for table, rows in tables.items():
            assert exposed(rows, key) == [], (published.__name__, table)


def test_no_export_lets_a_small_count_be_worked_out(world, logged_in):
    client = logged_in(world.coordinator)
    epci = {row["SIREN"]: row for row in _csv(client.get("/pilotage/export/epci.csv"))}
    # 11 sent: 8 in the Grand Avignon, 3 in the COVE — showing the 8 would give the 3 away.
    assert epci[COVE]["Envoyées"] == "< 5" and epci[GRAND_AVIGNON]["Envoyées"] == "masqué"
    months = _csv(client.get("/pilotage/export/mois.csv"))
    assert [row["Envoyées"] for row in months] == ["masqué", "< 5"]  # March 10, April 1
    assert_nothing_recoverable(client)
    outcomes = _csv(client.get("/pilotage/export/resultats.csv"))  # 5 completed: met ×3, partly, not met
    assert [row["Nombre"] for row in outcomes if row["Nombre"] != "0"] == ["< 5", "< 5", "< 5"]


def test_the_attack_finds_what_a_careless_table_gives_away():
    """The check itself: a lone hidden cell, and a hidden decision behind a shown rate, are found."""
    key = {"Orientations envoyées": "20", "Acceptées": "12", "Refusées": "6", "Réorientées": "< 5"}
    lone = [{"Envoyées": "17"}, {"Envoyées": "< 5"}]
    assert exposed(lone, key) == ["seule cachée de sa somme : (1, 'Envoyées')", "déductible : (1, 'Envoyées')"]
    behind_a_rate = [
        {"Acceptées": "6", "Refusées": "< 5", "Réorientées": "0", RATE: "67 %"},
        {"Acceptées": "6", "Refusées": "< 5", "Réorientées": "0", RATE: "—"},
    ]
    assert "déductible : (0, 'Refusées')" in exposed(behind_a_rate, key)
    hidden_in_pairs = [
        {"Acceptées": "masqué", "Refusées": "< 5", RATE: "50 %"},
        {"Acceptées": "masqué", "Refusées": "< 5", RATE: "60 %"},
    ]
    assert exposed(hidden_in_pairs, key) == []  # a cycle: adding and taking one in turn keeps every sum


@pytest.mark.parametrize(
    ("values", "expected_rates"),
    [
        # Each row: accepted, declined, redirected. One redirected small: its row hides one more decision,
        # in a column that already hides one, and every rate whose accepted is shown stays.
        ([[40, 8, 2], [30, 6, 0], [25, 7, 3], [50, 10, 0]], [True, True, True, True]),
        ([[6, 1, 0], [0, 0, 0]], [False, False]),  # nothing can hide the 1 beside the 6: no rate
    ],
)
def test_rates_stay_when_their_decisions_can_be_protected(values, expected_rates):
    protected = protect_table(values, row_sums=[[0, 1, 2]])
    shown = [
        sums[0] and isinstance(cells[0], int) for cells, sums in zip(protected.cells, protected.row_sums, strict=True)
    ]
    assert shown == expected_rates
    rows = [
        {
            "Acceptées": text_of(cells[0]),
            "Refusées": text_of(cells[1]),
            "Réorientées": text_of(cells[2]),
            RATE: "x" if rate else "—",
        }
        for cells, rate in zip(protected.cells, shown, strict=True)
    ]
    key = {line: str(sum(row[n] for row in values)) for n, line in enumerate(("Acceptées", "Refusées", "Réorientées"))}
    key = {line: value if int(value) >= 5 or value == "0" else "< 5" for line, value in key.items()}
    assert exposed(rows, key) == []


def test_the_map_hides_what_the_table_hides(world, logged_in):
    client = logged_in(world.coordinator)
    for indicator, shown in (("sent", "masqué"), ("acceptance_rate", "—")):
        html = client.get(f"/pilotage/carte?indicateur={indicator}").get_data(as_text=True)
        assert f'<th scope="row">CA du Grand Avignon (COGA)</th><td>{shown}</td>' in html, indicator


COLUMNS = ("Envoyées", "Acceptées", "Refusées", "Réorientées")


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 30]), min_size=4, max_size=4), max_size=12))
def test_no_hidden_cell_of_any_table_can_be_worked_out(values):
    """Whatever the counts: the attack recovers nothing, and every hidden cell hides a count 1–4 or is MASKED."""
    protected = protect_table(values, row_sums=[[1, 2, 3]])
    rows = [
        {**{column: text_of(cell) for column, cell in zip(COLUMNS, cells, strict=True)}, RATE: "x" if sums[0] else "—"}
        for cells, sums in zip(protected.cells, protected.row_sums, strict=True)
    ]
    totals = [sum(row[number] for row in values) for number in range(len(COLUMNS))]
    key = {
        TOTALS[column]: str(mask(total)) if mask(total) is not None else "< 5"
        for column, total in zip(COLUMNS, totals, strict=True)
    }
    assert exposed(rows, key) == [], values
    for raw, cells in zip(values, protected.cells, strict=True):
        for value, cell in zip(raw, cells, strict=True):
            assert cell == value or (cell is None and 1 <= value <= 4) or (cell is MASKED and value > 0)
