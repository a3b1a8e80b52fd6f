"""The demo data gives non-trivial figures, and the coordinator's dashboard, map and CSV match them."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from orientation import create_app, french
from orientation.config import DEMO_PASSWORD
from orientation.cpam import queries as cpam_queries
from orientation.demo import load_demo_data
from orientation.extensions import db
from orientation.people.models import Person
from orientation.pilotage import outcomes, queries
from orientation.pilotage.models import DelayFact, DelayKind
from orientation.pilotage.queries import Filters, histogram_percentile
from orientation.referrals.models import Orientation
from orientation.territory.models import Commune
from tests.conftest import FormClient, create_database, drop_database, testing_config
from tests.pilotage.test_fragiles import assert_breakdowns_protected
from tests.pilotage.test_secondary_suppression import assert_nothing_recoverable

COORDINATOR = "coordination@demo.orientation.fr"


def _sent_by_epci() -> dict:
    """Counted straight from the orientations, not from the rolled-up tables."""
    return dict(
        db.session.execute(
            sa.select(Commune.epci_siren, sa.func.count())
            .select_from(Orientation)
            .join(Person, Person.id == Orientation.person_id)
            .join(Commune, Commune.code_insee == Person.commune_code)
            .where(Orientation.sent_at.is_not(None))
            .group_by(Commune.epci_siren)
        ).all()
    )


def _rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def _check_demo(client: FormClient) -> None:
    sent = _sent_by_epci()
    assert sum(sent.values()) >= 250 and sum(1 for count in sent.values() if count >= 5) >= 8
    counts = queries.totals(Filters())
    assert counts["sent"] == sum(sent.values())
    assert counts["completed"] >= 50 and counts["declined"] >= 5 and counts.obtained_answers >= 5
    assert all(delay.median_days is not None for delay in queries.delays(Filters()))
    assert queries.sante_figures(Filters()).medecin_traitant_found not in (None, 0)
    html = client.get("/pilotage/").get_data(as_text=True)
    assert f'<p class="fr-tile__title fr-h4">{counts["sent"]}</p>' in html
    assert client.get("/pilotage/carte").status_code == 200
    response = client.get("/pilotage/export/epci.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    for row in rows:
        expected = sent.get(row["SIREN"], 0)
        assert row["Envoyées"] == (str(expected) if expected == 0 or expected >= 5 else "< 5"), row
    # The acceptance rate shows for every volet and wherever an EPCI has decisions enough to protect.
    volets = list(
        csv.DictReader(
            io.StringIO(client.get("/pilotage/export/volets.csv").get_data().decode("utf-8-sig")), delimiter=";"
        )
    )
    assert volets and all(row["Taux d'acceptation"] != "—" for row in volets), volets
    rated = [row for row in rows if row["Taux d'acceptation"] != "—"]
    assert len(rated) >= 5, rows
    for row in rows:  # no rate goes for want of protecting it when every decision of its row is shown
        decisions = [row[column] for column in ("Acceptées", "Refusées", "Réorientées")]
        if all(cell.isdigit() for cell in decisions) and int(decisions[0]) >= 5:
            assert row in rated, row
    assert_nothing_recoverable(client)
    assert_breakdowns_protected(client)
    # Outcomes per volet: the demo's completions carry their volet's words, enough to show figures.
    shown = {table.key: table.rows[-1][1:] for table in outcomes.outcome_tables(Filters())}
    for key in ("resultats-autonomy", "resultats-support", "resultats-health", "resultats-mobility"):
        assert any(isinstance(cell, int) and cell >= 5 for cell in shown[key]), (key, shown[key])
    fne = _rows_of(client.get("/pilotage/export/indicateurs-fne.csv"))
    assert any(row["Personnes accompagnées"].isdigit() for row in fne)
    # The CPAM's dashboard and the pilotage read one rule: a coordinator sees the same share on both.
    care_done = queries.sante_figures(Filters()).mas_care_done_share
    assert cpam_queries.dashboard(exact=False).care_done_share == care_done
    html = client.get("/cpam/tableau-de-bord").get_data(as_text=True)
    shown = f'fr-h3">{french.percent(care_done)}</p><p class="fr-tile__desc">Part avec soins réalisés (dossiers clos)<'
    assert shown in html
    # The median answer time per structure, computed by the database, is percentile_cont of the histogram.
    for key, median in queries.decision_delay_by(DelayFact.receiver_organisation_id, Filters()).items():
        rows = db.session.execute(
            sa.select(DelayFact.hours, DelayFact.count).where(
                DelayFact.level == "service",
                DelayFact.kind == DelayKind.TO_DECISION,
                DelayFact.receiver_organisation_id == key,
            )
        ).all()
        if sum(count for _hours, count in rows) >= 5:
            assert median == round(histogram_percentile([tuple(row) for row in rows], 0.5) / 24, 1)


def test_demo_figures_on_postgresql(app, logged_in):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    client = FormClient(app.test_client())
    client.login(COORDINATOR, DEMO_PASSWORD)
    _check_demo(client)


@pytest.fixture
def migrated_database():
    url = create_database("pilotage_demo")
    yield url
    drop_database(url)


@pytest.mark.no_db_transaction
def test_demo_figures_on_a_migrated_database(migrated_database):
    """As `make run` builds it (migrations, then the demo data): every figure page answers (never a 500)."""
    app = create_app(testing_config(migrated_database, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://"))
    with app.app_context():
        upgrade()
        load_demo_data()
        db.session.commit()
        client = FormClient(app.test_client())
        client.login(COORDINATOR, DEMO_PASSWORD)
        _check_demo(client)
        for url in (
            "/pilotage/?volet=sante",
            "/pilotage/?commune=84007",
            "/pilotage/synthese",
            "/pilotage/carte?indicateur=mas_cases",
            "/pilotage/export/tout.xlsx",
        ):
            assert client.get(url).status_code == 200, url
        db.session.remove()
        db.engine.dispose()
