"""The CPAM dashboard: aggregates only, small counts hidden from non-CPAM readers, CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from orientation import clock
from orientation.cpam import operations, queries


def _cases(world, n, *, done=0):
    cases = []
    with clock.frozen(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)) as frozen:
        for index in range(n):
            case = world.saisine(care_kinds=["dentaire"] if index % 2 else ["optique", "dentaire"])
            frozen.advance(days=1)
            operations.record_contact_attempt(case, user=world.conseiller, succeeded=True, channel="phone", note=None)
            if index < done:
                operations.close_case(case, user=world.conseiller, outcome="care_done_fully", reason=None)
            cases.append(case)
    return cases


def test_figures(cpam_world):
    _cases(cpam_world, 6, done=3)
    figures = queries.dashboard(exact=True)
    assert figures.total == 6 and figures.closed == 3 and figures.care_done_share == 1.0
    care = {row.label: row.count for row in figures.by_care}
    assert care["Soins dentaires"] == 6 and care["Optique"] == 3
    assert figures.delay_median_days == 1.0 and figures.delay_p80_days == 1.0
    (epci,) = figures.by_epci
    assert epci["epci"].startswith("CA Luberon") and epci["cases"] == 6


def test_small_counts_are_hidden_from_coordinators(cpam_world, logged_in):
    _cases(cpam_world, 3, done=1)
    hidden = queries.dashboard(exact=False)
    assert hidden.total is None and hidden.care_done_share is None and hidden.delay_median_days is None
    html = logged_in(cpam_world.coordinator).get("/cpam/tableau-de-bord").get_data(as_text=True)
    assert "&lt; 5" in html and "Rosa" not in html and "Pereira" not in html
    exact = logged_in(cpam_world.conseiller).get("/cpam/tableau-de-bord").get_data(as_text=True)
    assert "&lt; 5" not in exact


def test_csv_export(cpam_world, logged_in):
    _cases(cpam_world, 5)
    response = logged_in(cpam_world.conseiller).get("/cpam/tableau-de-bord?format=csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "soin;Soins dentaires;5" in text


def test_percentile():
    assert queries.percentile([], 0.5) is None
    assert queries.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert queries.percentile([1, 2, 3, 4, 5], 0.8) == 4.2


def test_a_small_stage_is_not_given_away_by_the_total(cpam_world):
    _cases(cpam_world, 8, done=2)  # 8 cases: 6 in progress, 2 closed — 6 would give the 2 away
    stages = {row.label: row.count for row in queries.dashboard(exact=False).by_stage if row.count != 0}
    assert sorted(map(str, stages.values())) == ["None", "masqué"]
    stages = {row.label: row.count for row in queries.dashboard(exact=True).by_stage if row.count != 0}
    assert sorted(stages.values()) == [2, 6]
