"""Outcomes per volet in the steering figures: exact counts on a hand-built activity, the suppression that
leaves nothing to work out, the France Numérique Ensemble export, and who sees what."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.pilotage import outcomes
from orientation.pilotage.queries import Filters
from orientation.pilotage.refresh import refresh_facts
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome
from orientation.referrals.outcome_details import DetailKind
from tests.pilotage.conftest import AVIGNON, CARPENTRAS, COVE, GRAND_AVIGNON, MARCH
from tests.pilotage.disclosure import _determined
from tests.referrals import builders as rb

HIDDEN = {"< 5", "masqué"}
DEPARTEMENT = "Tout le Vaucluse"

# (commune, autonomy, support kinds, thématiques) of the 10 numérique orientations completed in March 2026.
NUMERIQUE = [
    *[(AVIGNON, "Autonome", ["Individuel"], ["Email"])] * 5,
    (AVIGNON, "PartiellementAutonome", ["Individuel", "Collectif"], ["AideAuxDemarchesAdministratives"]),
    (AVIGNON, "PartiellementAutonome", ["Collectif"], ["AideAuxDemarchesAdministratives", "Email"]),
    (CARPENTRAS, "Autonome", ["Individuel", "Collectif"], []),
    (CARPENTRAS, "EntierementAccompagne", ["Individuel"], []),
    (CARPENTRAS, "EntierementAccompagne", ["Individuel"], []),
]


def _complete(world, commune, details, day):
    steps = [(2, S.RECEIVED, {}), (24, S.ACCEPTED, {})]
    steps.append((240, S.COMPLETED, {"outcome": Outcome.MET, "outcome_details": details}))
    return world.orient(commune, MARCH + timedelta(days=day), steps)


@pytest.fixture
def outcome_world(world):
    """The conftest's world (5 orientations completed without details), and 10 numérique ones with details."""
    for day, (commune, autonomy, support, thematiques) in enumerate(NUMERIQUE):
        details = {"autonomy": [autonomy], "support": support}
        if thematiques:
            details["thematique"] = thematiques
        _complete(world, commune, details, day)
    refresh_facts(full=True)
    db.session.flush()
    return world


def _rows(table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def assert_nothing_recoverable(headers: list[str], rows: list[list[str]], total_label: str = DEPARTEMENT) -> None:
    """Each column of the EPCI lines adds up to the département's line: no hidden cell can be worked out."""
    lines = [row for row in rows if row[0] != total_label]
    (total,) = [row for row in rows if row[0] == total_label]
    hidden = [(i, c) for i, row in enumerate(lines) for c in range(1, len(headers)) if str(row[c]) in HIDDEN]
    number = {cell: n for n, cell in enumerate(hidden)}
    sums = [
        [number[(i, c)] for i in range(len(lines)) if (i, c) in number]
        for c in range(1, len(headers))
        if str(total[c]).isdigit()
    ]
    assert [members for members in sums if len(members) == 1] == [], (headers, rows)
    assert _determined(sums, len(hidden)) == set(), (headers, rows)


def test_the_figures_by_volet_are_exact_and_protected(outcome_world):
    tables = {table.key: table for table in outcomes.outcome_tables(Filters(volet=Volet.NUMERIQUE))}
    assert set(tables) == {"resultats-autonomy", "resultats-support", "resultats-thematique"}
    autonomy = tables["resultats-autonomy"]
    assert autonomy.headers == ["EPCI", "Avec guidage", "Autonome avec guidage en cas de besoin", "Autonome"]
    rows = _rows(autonomy)
    # Autonome: 5 in the Grand Avignon, 1 in the COVE, 6 in all: the 5 is hidden too, or 6 − 5 gives the 1.
    assert rows[DEPARTEMENT] == [None, None, 6]
    assert rows["CA du Grand Avignon (COGA)"] == [0, None, "masqué"]
    assert rows["CA Ventoux-Comtat-Venaissin (COVE)"] == [None, 0, None]
    assert_nothing_recoverable(autonomy.headers, [[row[0], *map(_text, row[1:])] for row in autonomy.rows])
    support = _rows(tables["resultats-support"])
    assert support[DEPARTEMENT] == [9, None]  # Individuel 6 + 3, Collectif 2 + 1
    assert support["CA du Grand Avignon (COGA)"] == ["masqué", None]
    thematiques = _rows(tables["resultats-thematique"])
    assert thematiques == {"E-mail": [6, 6], "Aide aux démarches administratives": [None, None]}


def test_the_figures_follow_the_filters(outcome_world):
    assert outcomes.outcome_tables(Filters(receiver_id=outcome_world.receiver_org.id)) == []
    april = outcomes.outcome_tables(Filters(start="2026-04", volet=Volet.NUMERIQUE))
    assert _rows(april[0])[DEPARTEMENT] == [0, 0, 0]
    covered = _rows(outcomes.outcome_tables(Filters(epci=COVE, volet=Volet.NUMERIQUE))[0])
    assert list(covered) == ["CA Ventoux-Comtat-Venaissin (COVE)", DEPARTEMENT]
    every = [table.key for table in outcomes.outcome_tables(Filters())]
    assert every == [
        "resultats-autonomy",
        "resultats-support",
        "resultats-thematique",
        "resultats-health",
        "resultats-mobility",
    ]


def test_the_mobility_solutions_and_the_health_results(outcome_world):
    for volet, answers in (
        (Volet.MOBILITE, [{"mobility": ["permis"]}] * 5 + [{"mobility": ["permis", "covoiturage"]}]),
        (Volet.SANTE, [{"health": ["droits_ouverts", "soins_realises"]}] * 6),
    ):
        world = rb.scenario(volet)  # its person lives in Avignon
        for details in answers:
            world.need = rb.need(world.person, volet, user=world.sender)
            orientation = world.orientation(S.IN_PROGRESS)
            lifecycle.transition(
                orientation, S.COMPLETED, actor=world.receiver, outcome=Outcome.PARTLY_MET, outcome_details=details
            )
    refresh_facts(full=True)
    mobility = outcomes.epci_table(Filters(), Volet.MOBILITE, DetailKind.MOBILITY)
    rows = _rows(mobility)
    assert mobility.headers[1:3] == [
        "Permis de conduire (préparation, financement)",
        "Véhicule (achat, réparation, entretien)",
    ]
    assert rows[DEPARTEMENT][0] == 6 and rows[DEPARTEMENT][4] is None  # permis 6, covoiturage 1
    assert rows["CA du Grand Avignon (COGA)"][0] == 6
    health = _rows(outcomes.epci_table(Filters(), Volet.SANTE, DetailKind.HEALTH))
    assert health[DEPARTEMENT] == [0, 6, 6]
    people = outcomes.counts_by_epci(Filters(), Volet.SANTE, "health", "people")
    assert people[GRAND_AVIGNON] == {"droits_ouverts": 1, "soins_realises": 1}  # one person, six orientations


def _text(cell) -> str:
    return "< 5" if cell is None else str(cell)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def test_the_france_numerique_ensemble_export(outcome_world, logged_in):
    client = logged_in(outcome_world.coordinator)
    response = client.get("/pilotage/export/indicateurs-fne.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *rows = _csv(response)
    assert header == [
        "Mois",
        "Personnes accompagnées",
        "dont en accompagnement individuel",
        "dont en atelier collectif",
        "dont aide aux démarches administratives",
    ]
    # 15 people completed in March (the world's 5 without details: 4 in Avignon, 1 in Carpentras; and our 10);
    # the département only: the EPCIs' months beside the dashboard's EPCI tables would give hidden cells away.
    assert rows == [["mars 2026", "15", "9", "< 5", "< 5"]]  # nobody completed in another month
    workbook = load_workbook(io.BytesIO(client.get("/pilotage/export/indicateurs-fne.xlsx").get_data()))
    sheet = workbook["indicateurs-fne"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert ["mars 2026", 15, 9, "< 5", "< 5"] in values
    assert (
        "indicateurs-fne" in load_workbook(io.BytesIO(client.get("/pilotage/export/tout.xlsx").get_data())).sheetnames
    )


def test_the_dashboard_shows_the_outcomes_to_the_coordination_only(outcome_world, logged_in):
    page = logged_in(outcome_world.coordinator).get("/pilotage/?volet=numerique").get_data(as_text=True)
    assert 'data-testid="table-resultats-autonomy"' in page and "Autonome avec guidage en cas de besoin" in page
    assert "Indicateurs France Numérique Ensemble (CSV)" in page and 'data-testid="table-indicateurs-fne"' in page
    manager = logged_in(outcome_world.manager).get("/pilotage/").get_data(as_text=True)
    assert 'data-testid="outcomes-unavailable"' in manager and "table-resultats-autonomy" not in manager
    assert "indicateurs-fne" not in manager
    assert logged_in(outcome_world.manager).get("/pilotage/export/indicateurs-fne.csv").status_code == 404


def test_people_are_counted_once_in_a_month(outcome_world):
    people = outcomes.counts_by_epci(Filters(), Volet.NUMERIQUE, outcomes.COMPLETED, "people")
    orientations = outcomes.counts_by_epci(Filters(), Volet.NUMERIQUE, outcomes.COMPLETED)
    assert people[GRAND_AVIGNON]["all"] == orientations[GRAND_AVIGNON]["all"] == 11
