"""The figures of the hand-built activity (conftest.world), computed by hand."""

from __future__ import annotations

import random

import pytest

from orientation.cpam.queries import percentile
from orientation.pilotage import queries
from orientation.pilotage.models import DelayFact, DelayKind
from orientation.pilotage.queries import Filters, histogram_percentile
from orientation.pilotage.refresh import refresh_facts
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from tests.pilotage.conftest import COVE, GRAND_AVIGNON


def test_counts(world):
    counts = queries.totals(Filters())
    assert [
        counts[name]
        for name in ("sent", "opened", "accepted", "declined", "redirected", "expired", "cancelled", "completed")
    ] == [11, 9, 6, 3, 0, 1, 0, 5]
    assert (counts["completed_met"], counts["completed_partly_met"], counts["completed_not_met"]) == (3, 1, 1)
    assert (counts["obtained_yes"], counts["obtained_no"], counts.obtained_answers) == (3, 2, 5)
    assert counts.completion_rate == pytest.approx(5 / 6)
    # 6 accepted of 9 decided, but 3 declined is a small count: the rate would reveal it.
    assert counts.decided == 9 and counts.acceptance_rate is None
    assert counts.shown("declined") is None and counts.shown("sent") == 11 and counts.shown("redirected") == 0


def test_delays(world):
    delays = {delay.kind: delay for delay in queries.delays(Filters())}
    # opening: 2, 4, 6, 8, 10, 12, 24, 24, 24 h → median 10 h; p80 at rank 6.4 → 24 h
    assert (
        delays[DelayKind.TO_OPENING].measured,
        delays[DelayKind.TO_OPENING].median_days,
        delays[DelayKind.TO_OPENING].p80_days,
    ) == (9, 0.4, 1.0)
    # decision: 24 ×5, 48, 48, 72, 96 h → median 24 h; p80 = 48 + 0.4 × 24 = 57.6 h
    assert (delays[DelayKind.TO_DECISION].median_days, delays[DelayKind.TO_DECISION].p80_days) == (1.0, 2.4)
    # outcome: 240, 240, 264, 288, 336 h → median 264 h = 11 d; p80 = 288 + 0.2 × 48 = 297.6 h
    assert (delays[DelayKind.TO_OUTCOME].median_days, delays[DelayKind.TO_OUTCOME].p80_days) == (11.0, 12.4)
    assert delays[DelayKind.TO_FIRST_APPOINTMENT].measured == 0
    assert delays[DelayKind.TO_FIRST_APPOINTMENT].median_days is None


def test_filters_by_period_territory_and_structure(world):
    assert queries.totals(Filters(start="2026-03", end="2026-03"))["sent"] == 10
    assert queries.totals(Filters(start="2026-04"))["sent"] == 1
    epci = {row.key: row.counts for row in queries.rows_by("epci", Filters())}
    assert epci[GRAND_AVIGNON]["sent"] == 8 and epci[COVE]["sent"] == 3
    assert epci[COVE].shown("sent") is None
    assert queries.totals(Filters(commune="84031"))["declined"] == 1
    assert queries.totals(Filters(receiver_id=world.receiver_org.id, volet="numerique"))["completed"] == 5
    assert queries.totals(Filters(sender_id=world.receiver_org.id))["sent"] == 0
    assert queries.totals(Filters(service_id=world.service.id, epci=GRAND_AVIGNON))["accepted"] == 5
    months = [(row.key, row.counts["sent"]) for row in queries.rows_by("month", Filters())]
    assert months == [("2026-03", 10), ("2026-04", 1)]


def test_levels_agree(world):
    """The coarse levels are sums of the detail: the same figure whichever level answers."""
    assert queries.level_for(Filters()).value == "territory"
    assert queries.level_for(Filters(commune="84007")).value == "detail"
    assert queries.level_for(Filters(), "receiver").value == "service"
    by_receiver = queries.rows_by("receiver", Filters())
    assert [(row.label, row.counts["sent"], row.median_answer_days) for row in by_receiver] == [
        ("Médiation de Test", 11, 1.0)
    ]
    by_commune = sum(row.counts["opened"] for row in queries.rows_by("commune", Filters()))
    assert by_commune == queries.totals(Filters())["opened"] == 9


def test_decline_reasons_and_outcomes(world):
    reasons = {figure.label: figure.count for figure in queries.decline_reasons(Filters())}
    assert reasons == {"Plus de place (complet)": None, "La personne ne remplit pas les conditions": None}
    outcomes = queries.outcomes(queries.totals(Filters()))
    assert [(figure.count, figure.share) for figure in outcomes] == [(None, None), (None, None), (None, None)]


def test_open_needs_and_medecin_traitant(world):
    # 11 numérique needs, 3 closed as met by a completed orientation.
    assert [(figure.label, figure.count) for figure in queries.open_needs_by_volet(Filters())] == [
        ("Numérique", 8),
        ("Santé", 0),
        ("Mobilité", 0),
    ]
    sante = queries.sante_figures(Filters())
    assert (sante.mas_cases, sante.without_medecin_traitant, sante.medecin_traitant_found) == (0, 0, 0)


def test_incremental_refresh_recomputes_the_touched_month(world):
    april = world.orientations[-1]
    lifecycle.transition(april, S.RECEIVED, actor=world.receiver)
    assert queries.totals(Filters())["opened"] == 9  # not yet: the worker's refresh has not run
    record = refresh_facts()
    assert record.months == 1 and not record.full
    assert queries.totals(Filters())["opened"] == 10
    assert queries.totals(Filters(start="2026-03", end="2026-03"))["opened"] == 9


def test_histogram_percentile_is_percentile_cont():
    rng = random.Random(7)
    for _ in range(50):
        values = [rng.randint(0, 60) for _ in range(rng.randint(1, 40))]
        histogram = {}
        for value in values:
            histogram[value] = histogram.get(value, 0) + 1
        for fraction in (0.5, 0.8):
            assert histogram_percentile(list(histogram.items()), fraction) == pytest.approx(
                percentile(values, fraction)
            )
    assert histogram_percentile([], 0.5) is None


def test_median_answer_in_sql_matches_python(world):
    """The window-sum median equals percentile_cont."""
    from orientation.extensions import db

    rows = db.session.execute(
        db.select(DelayFact.hours, DelayFact.count).where(
            DelayFact.level == "service", DelayFact.kind == DelayKind.TO_DECISION
        )
    ).all()
    expected = round(histogram_percentile([(h, c) for h, c in rows], 0.5) / 24, 1)
    assert queries.decision_delay_by(DelayFact.service_id, Filters()) == {world.service.id: expected}
    # An even count: one more decision after 96 h → 24 ×5, 48, 48, 72, 96, 96 → median (24 + 48) / 2 = 36 h.
    extra = world.orient("84007", world.orientations[0].sent_at, [(1, S.RECEIVED, {}), (96, S.ACCEPTED, {})])
    assert extra.status is S.ACCEPTED
    refresh_facts(full=True)
    assert queries.decision_delay_by(DelayFact.service_id, Filters()) == {world.service.id: 1.5}


def test_the_worker_refreshes_on_its_schedule(world):
    from orientation.pilotage.tasks import refresh_facts_task
    from worker.schedule import BEAT_SCHEDULE

    schedules = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "pilotage.refresh_facts" in schedules
    lifecycle.transition(world.orientations[-1], S.RECEIVED, actor=world.receiver)
    result = refresh_facts_task()
    assert (result["months"], result["full"]) == (1, False)
    assert refresh_facts_task()["months"] == 0  # nothing moved since: nothing recomputed
    assert queries.totals(Filters())["opened"] == 10
