"""Publics fragiles: the demand figures broken down by a situation flag, the QPV panel, and no hidden count
recoverable from the tables with and without the breakdown together (tests/pilotage/disclosure.py)."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from openpyxl import load_workbook

from orientation.extensions import db
from orientation.people.models import SituationFlag
from orientation.pilotage import fragiles, queries, tables
from orientation.pilotage.queries import Filters
from orientation.pilotage.refresh import refresh_facts
from orientation.pilotage.split_counts import Linked
from orientation.referrals.models import ServiceObtained
from orientation.small_counts import MASKED, protect_table
from tests.pilotage.disclosure import HIDDEN, RATE, TOTALS, determined_cells
from tests.pilotage.test_pages import _csv

QPV_ORIENTATIONS = (1, 2, 3, 4, 5, 7)  # accepted ×5 (completed ×4), declined ×1: see conftest.world
OVER_60_BY_BIRTH = 10  # the April orientation: born in 1950, no flag recorded


@pytest.fixture
def fragile(world):
    for number, orientation in enumerate(world.orientations):
        flags = ["qpv", "isolated"] if number in QPV_ORIENTATIONS else []
        orientation.person.situation = flags
        if number == OVER_60_BY_BIRTH:
            orientation.person.birth_date = date(1950, 1, 1)
    db.session.flush()
    refresh_facts(full=True)
    db.session.flush()
    return world


def _side(flag: str, side: bool, **filters) -> queries.Counts:
    return queries.totals(Filters(public=flag, public_side=side, **filters))


def test_breakdown_counts(fragile):
    names = ("sent", "opened", "accepted", "declined", "expired", "completed")
    assert [_side("qpv", True)[name] for name in names] == [6, 6, 5, 1, 0, 4]
    assert [_side("qpv", False)[name] for name in names] == [5, 3, 1, 2, 1, 1]
    assert _side("over_60", True)["sent"] == 1 and _side("over_60", False)["sent"] == 10
    assert _side("qpv", True, start="2026-04")["sent"] == 0
    # without a side, the whole figures (read at the territory level, not the new one)
    assert queries.totals(Filters(public="qpv"))["sent"] == 11
    volets = {row.key: row.counts for row in queries.rows_by("volet", Filters(public="qpv", public_side=True))}
    assert volets["numerique"]["accepted"] == 5
    epci = {row.key: row.counts["sent"] for row in queries.rows_by("epci", Filters(public="qpv", public_side=False))}
    assert sum(epci.values()) == 5
    # with a commune filter: the detail level, which keeps the flags too
    assert _side("qpv", True, commune="84031")["sent"] == 0 and _side("qpv", False, commune="84031")["sent"] == 3


def test_qpv_panel(fragile, logged_in):
    rows = {row["Indicateur"]: row for row in _csv(logged_in(fragile.coordinator).get("/pilotage/export/qpv.csv"))}
    assert (rows["Orientations envoyées"]["QPV"], rows["Orientations envoyées"]["Hors QPV"]) == ("6", "5")
    # 5 and 1 accepted: the 1 is small, and the 5 would give it away (6 accepted in all)
    assert (rows["Acceptées"]["QPV"], rows["Acceptées"]["Hors QPV"]) == ("masqué", "< 5")
    assert rows["Taux d'acceptation"]["QPV"] == "—"
    # QPV decisions after 24, 48, 48, 72, 96 and 24 hours: median 48 h; hors QPV: 3 measured, not shown
    median = rows["Délai de décision — médiane (jours)"]
    assert (median["QPV"], median["Hors QPV"]) == (tables.text_of(tables.Days(2.0)), "—")
    assert rows["Dossiers de renoncement aux soins (MAS)"]["QPV"] == "0"


def test_mas_cases_by_qpv():
    from tests.cpam.builders import world as cpam_world
    from tests.referrals import builders as rb

    cpam = cpam_world()
    people = [
        rb.person(cpam.detector_org, user=cpam.detector, commune_code="84035", situation=["qpv"] if n < 5 else [])
        for n in range(7)
    ]
    for person in people:
        cpam.saisine(person)
    assert fragiles._mas_counts(Filters(), SituationFlag.QPV, 0) == (5, 0)
    assert fragiles._mas_counts(Filters(), SituationFlag.QPV, 1) == (2, 0)
    totals = fragiles.side_totals(Filters(), SituationFlag.QPV)
    # 7 cases in all (shown): the 2 hors QPV are hidden, so the 5 must be too
    assert (totals.shown(0, "mas_cases"), totals.shown(1, "mas_cases")) == (MASKED, None)


def test_the_breakdown_on_the_page_and_its_exports(fragile, logged_in):
    client = logged_in(fragile.coordinator)
    page = client.get("/pilotage/?public=qpv").get_data(as_text=True)
    assert 'data-testid="table-public-volets"' in page and "Hors QPV" in page
    rows = _csv(client.get("/pilotage/export/public-volets.csv?public=qpv"))
    assert [(row["Volet"], row["Public"], row["Envoyées"]) for row in rows] == [
        ("Numérique", "QPV", "6"),
        ("Numérique", "Hors QPV", "5"),
    ]
    needs = _csv(client.get("/pilotage/export/public-besoins-ouverts.csv?public=qpv"))
    assert {row["Public"] for row in needs} == {"QPV", "Hors QPV"} or needs == []
    book = load_workbook(io.BytesIO(client.get("/pilotage/export/tout.xlsx?public=qpv").get_data()), read_only=True)
    for name in ("public-volets", "public-epci", "qpv", "public-indicateurs"):
        csv_rows = _csv(client.get(f"/pilotage/export/{name}.csv?public=qpv"))
        sheet = list(book[name].iter_rows(min_row=4, values_only=True))
        assert len(sheet) == len(csv_rows)
        for line, row in zip(sheet, csv_rows, strict=True):  # the same cells hidden, the same counts shown
            for value, text in zip(line, row.values(), strict=True):
                if text in HIDDEN or isinstance(value, int):
                    assert str(value) == text, name
    assert (
        "public-volets"
        not in load_workbook(io.BytesIO(client.get("/pilotage/export/tout.xlsx").get_data()), read_only=True).sheetnames
    )


def published_equations(client, args: str) -> list[list]:
    """Every sum a reader of the exports knows: the tables without the breakdown, the panel, the split tables."""
    key = {row["Indicateur"]: row["Valeur"] for row in _csv(client.get(f"/pilotage/export/indicateurs.csv?{args}"))}
    equations = []
    whole = {}
    for name, first in (("volets", "Volet"), ("epci", "EPCI")):
        rows = _csv(client.get(f"/pilotage/export/{name}.csv?{args}"))
        whole[name] = {row[first]: row for row in rows}
        for column, line in TOTALS.items():
            equations.append(
                [(1, ("U", name, row[first], column), row[column]) for row in rows]
                + [(-1, ("K", line), key.get(line, "0"))]
            )
        for row in rows:
            if row[RATE] != "—":  # the rate and the accepted give the decisions' sum
                equations.append(
                    [
                        (1, ("U", name, row[first], column), row[column])
                        for column in ("Acceptées", "Refusées", "Réorientées")
                    ]
                    + [(-1, "decided", "0")]
                )
    obtained = {
        row["Réponse"]: row["Nombre"] for row in _csv(client.get(f"/pilotage/export/service-obtenu.csv?{args}"))
    }
    answers = [(1, ("O", label), text) for label, text in obtained.items()]
    equations.append(answers + [(-1, ("K", "answers"), key["Réponses « service réellement obtenu »"])])
    panel = {row["Indicateur"]: row for row in _csv(client.get(f"/pilotage/export/public-indicateurs.csv?{args}"))}
    with_label, without_label = list(next(iter(panel.values())))[1:] if panel else ("", "")
    lines = {  # panel line → (the same figure without the breakdown, the split tables' column)
        "Orientations envoyées": (("K", "Orientations envoyées"), key.get("Orientations envoyées"), "Envoyées"),
        "Acceptées": (("K", "Acceptées"), key.get("Acceptées"), "Acceptées"),
        "Refusées": (("K", "Refusées"), key.get("Refusées"), "Refusées"),
        "Réorientées": (("K", "Réorientées"), key.get("Réorientées"), "Réorientées"),
        "Terminées": (("K", "Terminées"), key.get("Terminées"), "Terminées"),
        "Service réellement obtenu (réponses « oui »)": (
            ("O", ServiceObtained.YES.label),
            obtained.get(ServiceObtained.YES.label),
            None,
        ),
        "Service non obtenu (réponses « non »)": (
            ("O", ServiceObtained.NO.label),
            obtained.get(ServiceObtained.NO.label),
            None,
        ),
        "Dossiers de renoncement aux soins (MAS)": (("K", "mas"), key["Dossiers de renoncement aux soins (MAS)"], None),
    }
    for line, (whole_key, whole_text, _column) in lines.items():
        if line in panel:
            equations.append(
                [(1, ("P", line, side), panel[line][side]) for side in (with_label, without_label)]
                + [(-1, whole_key, whole_text)]
            )
    for side in (with_label, without_label):
        if panel and panel["Taux d'acceptation"][side] != "—":
            equations.append(
                [(1, ("P", line, side), panel[line][side]) for line in ("Acceptées", "Refusées", "Réorientées")]
                + [(-1, "d", "0")]
            )
    for name, first in (("public-volets", "Volet"), ("public-epci", "EPCI")):
        rows = _csv(client.get(f"/pilotage/export/{name}.csv?{args}"))
        if not rows:  # too fine: an empty table, which publishes no sum
            continue
        base = name.removeprefix("public-")
        by_label: dict[str, list[dict]] = {}
        for row in rows:
            by_label.setdefault(row[first], []).append(row)
        for label, pair in by_label.items():
            for column in TOTALS:
                equations.append(
                    [(1, ("S", name, label, row["Public"], column), row[column]) for row in pair]
                    + [(-1, ("U", base, label, column), whole[base][label][column])]
                )
        for line, (_key, _text, column) in lines.items():
            if column and line in panel:
                for side in (with_label, without_label):
                    equations.append(
                        [
                            (1, ("S", name, row[first], side, column), row[column])
                            for row in rows
                            if row["Public"] == side
                        ]
                        + [(-1, ("P", line, side), panel[line][side])]
                    )
        for row in rows:
            if row[RATE] != "—":
                equations.append(
                    [
                        (1, ("S", name, row[first], row["Public"], column), row[column])
                        for column in ("Acceptées", "Refusées", "Réorientées")
                    ]
                    + [(-1, "d", "0")]
                )
    return equations


def assert_breakdowns_protected(client) -> None:
    """On the demo (test_demo.py): each public's tables, with those without the breakdown, give nothing away,
    and the QPV panel shows both sides."""
    panel = {row["Indicateur"]: row for row in _csv(client.get("/pilotage/export/qpv.csv"))}
    assert all(text.isdigit() and int(text) >= 5 for text in list(panel["Orientations envoyées"].values())[1:])
    for flag, _label in fragiles.PUBLIC_CHOICES:
        assert determined_cells(published_equations(client, f"public={flag}")) == [], flag
        rows = _csv(client.get(f"/pilotage/export/public-volets.csv?public={flag}"))
        assert any(row["Envoyées"].isdigit() and int(row["Envoyées"]) >= 5 for row in rows), flag


@pytest.mark.parametrize("flag", ["qpv", "over_60", "isolated", "rsa"])
def test_nothing_recoverable_from_the_tables_with_and_without_the_breakdown(fragile, logged_in, flag):
    client = logged_in(fragile.coordinator)
    assert determined_cells(published_equations(client, f"public={flag}")) == []


def test_the_attack_finds_a_pair_that_gives_a_hidden_cell_away():
    """The check itself: a whole cell masked, both of its parts shown."""
    equations = [
        [(1, "a", "6"), (1, "b", "6"), (-1, "u", "masqué")],
        [(1, "u", "masqué"), (1, "v", "< 5"), (-1, "t", "15")],
    ]
    assert determined_cells(equations) == ["u", "v"]


def test_a_breakdown_that_would_hide_everything_is_an_explained_empty_table(fragile, logged_in):
    client = logged_in(fragile.coordinator)
    args = "public=qpv&commune=84031"  # Carpentras: 3 orientations, none of a QPV
    page = client.get(f"/pilotage/?{args}")
    assert page.status_code == 200
    assert "Ventilation trop fine" in page.get_data(as_text=True)
    rows = _csv(client.get(f"/pilotage/export/public-volets.csv?{args}"))
    assert rows == []  # the headers only: nothing leaks through the export
    book = load_workbook(io.BytesIO(client.get(f"/pilotage/export/tout.xlsx?{args}").get_data()), read_only=True)
    assert len(list(book["public-volets"].iter_rows(min_row=4, values_only=True))) == 0


def test_an_unknown_public_is_reported_in_french(fragile, logged_in):
    client = logged_in(fragile.coordinator)
    response = client.get("/pilotage/?public=licornes")
    assert response.status_code == 200
    assert "« Public (ventilation) » : valeur inconnue, filtre ignoré." in response.get_data(as_text=True)
    assert client.get("/pilotage/export/public-volets.csv?public=licornes").status_code == 404
    assert client.get("/pilotage/export/qpv.csv?public=licornes").status_code == 200


# ---------------------------------------------------------------------------------------------
# The protection itself, on random tables (no database)


def _random_split(rng: random.Random):
    rows, columns = rng.randint(1, 5), rng.randint(1, 3)
    sides = [
        [[rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12]) for _ in range(columns)] for _ in range(rows)] for _ in range(2)
    ]
    whole = [[sides[0][r][c] + sides[1][r][c] for c in range(columns)] for r in range(rows)]
    return whole, sides


@pytest.mark.parametrize("seed", range(60))
def test_split_protection_on_random_tables(seed):
    rng = random.Random(seed)
    whole, sides = _random_split(rng)
    rows, columns = len(whole), len(whole[0])
    published = protect_table(whole).cells
    totals = [sum(whole[r][c] for r in range(rows)) for c in range(columns)]
    side_totals = [[sum(sides[s][r][c] for r in range(rows)) for c in range(columns)] for s in (0, 1)]
    # stage 1: the sides' totals, against the whole totals
    first = Linked()
    for c in range(columns):
        first.fixed_cell(("T", c), totals[c], queries.mask(totals[c]))
        for s in (0, 1):
            first.cell(("St", s, c), side_totals[s][c])
        first.add_sum([("St", 0, c), ("St", 1, c)], ("T", c))
    first.protect()
    linked = Linked()
    for c in range(columns):
        linked.fixed_cell(("T", c), totals[c], queries.mask(totals[c]))
        for s in (0, 1):
            linked.fixed_cell(("St", s, c), side_totals[s][c], first.shown(("St", s, c)))
        linked.add_sum([("St", 0, c), ("St", 1, c)], ("T", c))
        linked.add_sum([("U", r, c) for r in range(rows)], ("T", c))
        for s in (0, 1):
            linked.add_sum([("S", s, r, c) for r in range(rows)], ("St", s, c))
        for r in range(rows):
            linked.fixed_cell(("U", r, c), whole[r][c], published[r][c])
            for s in (0, 1):
                linked.cell(("S", s, r, c), sides[s][r][c])
            linked.add_sum([("S", 0, r, c), ("S", 1, r, c)], ("U", r, c))
    linked.protect()
    if linked.gave_up:  # published as an explained empty table
        return

    def text(value) -> str:
        return "< 5" if value is None else "masqué" if value is MASKED else str(value)

    def term(sign, key):
        return (sign, key, text(linked.shown(key)))

    equations = []
    for a_sum in linked.sums:
        equations.append([term(1, key) for key in a_sum.parts] + [term(-1, a_sum.total)])
    assert determined_cells(equations) == []
    for s in (0, 1):  # nothing small is shown
        for r in range(rows):
            for c in range(columns):
                shown = linked.shown(("S", s, r, c))
                assert shown is None or shown is MASKED or shown == 0 or shown >= 5
