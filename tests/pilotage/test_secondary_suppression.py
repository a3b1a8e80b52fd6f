"""Secondary suppression: no small count can be worked out from a published total by difference."""

from __future__ import annotations

import pytest

from orientation.pilotage.queries import MASKED, protect
from tests.pilotage.conftest import COVE, GRAND_AVIGNON
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


def _solvable(cells: list[str], total: str) -> bool:
    """Could a reader find a hidden cell of the column from the total?"""
    hidden = [cell for cell in cells if not cell.isdigit()]
    if not hidden or not total.isdigit():
        return False
    rest = int(total) - sum(int(cell) for cell in cells if cell.isdigit())
    return len(hidden) == 1 or rest < 5


def test_no_export_lets_a_small_count_be_worked_out(world, logged_in):
    client = logged_in(world.coordinator)
    key = {row["Indicateur"]: row["Valeur"] for row in _csv(client.get("/pilotage/export/indicateurs.csv"))}
    epci = {row["SIREN"]: row for row in _csv(client.get("/pilotage/export/epci.csv"))}
    # 11 sent: 8 in the Grand Avignon, 3 in the COVE — showing the 8 would give the 3 away.
    assert epci[COVE]["Envoyées"] == "< 5" and epci[GRAND_AVIGNON]["Envoyées"] == "masqué"
    assert epci[GRAND_AVIGNON]["Taux d'acceptation"] == "—"  # the rate would give a hidden decision away
    months = _csv(client.get("/pilotage/export/mois.csv"))
    assert [row["Envoyées"] for row in months] == ["masqué", "< 5"]  # March 10, April 1
    totals = {
        "Envoyées": "Orientations envoyées",
        "Acceptées": "Acceptées",
        "Refusées": "Refusées",
        "Terminées": "Terminées",
        "Expirées": "Expirées sans réponse",
    }
    for table in ("epci", "mois", "volets", "emettrices", "destinataires", "services"):
        rows = _csv(client.get(f"/pilotage/export/{table}.csv"))
        for column, indicator in totals.items():
            assert not _solvable([row[column] for row in rows], key[indicator]), (table, column)
    outcomes = _csv(client.get("/pilotage/export/resultats.csv"))  # 5 completed: met ×3, partly, not met
    assert [row["Nombre"] for row in outcomes if row["Nombre"] != "0"] == ["< 5", "< 5", "< 5"]


def test_the_map_hides_what_the_table_hides(world, logged_in):
    client = logged_in(world.coordinator)
    for indicator, shown in (("sent", "masqué"), ("acceptance_rate", "—")):
        html = client.get(f"/pilotage/carte?indicateur={indicator}").get_data(as_text=True)
        assert f'<th scope="row">CA du Grand Avignon (COGA)</th><td>{shown}</td>' in html, indicator
