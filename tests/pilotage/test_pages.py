"""Pages and exports: who sees what, small counts hidden, no way from a figure to a person, CSV/XLSX."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from orientation.organisations.models import MembershipRole, OrganisationType
from tests import builders
from tests.pilotage.conftest import COVE
from tests.referrals import builders as referral_builders

PAGES = [
    "/pilotage/",
    "/pilotage/carte",
    "/pilotage/synthese",
    "/pilotage/export/epci.csv",
    "/pilotage/export/tout.xlsx",
]


@pytest.mark.parametrize("url", PAGES)
def test_coordinator_reaches_every_page(world, logged_in, url):
    assert logged_in(world.coordinator).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_agents_are_refused(world, logged_in, url):
    assert logged_in(world.sender).get(url).status_code == 403


def test_cpam_members_go_to_the_mas_dashboard(world, logged_in):
    cpam = builders.organisation("CPAM de test", type=OrganisationType.CPAM)
    response = logged_in(referral_builders.member(cpam)).get("/pilotage/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cpam/tableau-de-bord")


def test_anonymous_is_sent_to_login(world, client):
    response = client.get("/pilotage/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_small_counts_are_hidden_and_no_person_is_reachable(world, logged_in):
    html = logged_in(world.coordinator).get("/pilotage/").get_data(as_text=True)
    assert "Orientations envoyées" in html and "&lt; 5" in html
    assert "Secret" not in html and "Prénom" not in html  # no name of the people counted
    main = html[html.index("<main") : html.index("</main>")]
    assert "/personnes" not in main and "/orientations/" not in main  # no link from a figure to a file
    table = _csv(logged_in(world.coordinator).get("/pilotage/export/epci.csv"))
    cove = next(row for row in table if row["SIREN"] == COVE)
    assert cove["Envoyées"] == "< 5" and cove["Taux d'acceptation"] == "—"
    key = {
        row["Indicateur"]: row["Valeur"]
        for row in _csv(logged_in(world.coordinator).get("/pilotage/export/indicateurs.csv"))
    }
    assert key["Orientations envoyées"] == "11" and key["Refusées"] == "< 5" and key["Terminées"] == "5"
    assert key["Délai de décision — médiane (jours)"] == "1"
    april = _csv(logged_in(world.coordinator).get("/pilotage/export/indicateurs.csv?debut=2026-04"))
    assert april[0] == {"Indicateur": "Orientations envoyées", "Valeur": "< 5"}


def test_csv_opens_in_excel_with_the_right_columns(world, logged_in):
    response = logged_in(world.coordinator).get("/pilotage/export/epci.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents right
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header == (
        "EPCI;SIREN;Envoyées;Dont suivies par l'orienteur (contact direct);"
        "Ouvertes;Acceptées;Refusées;Réorientées;Expirées;Terminées;Taux d'acceptation"
    )
    delays = _csv(logged_in(world.coordinator).get("/pilotage/export/delais.csv"))
    assert list(delays[0]) == ["Délai", "Orientations mesurées", "Médiane (jours)", "8 sur 10 en moins de (jours)"]


def test_xlsx_has_one_sheet_per_table(world, logged_in):
    response = logged_in(world.coordinator).get("/pilotage/export/tout.xlsx")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert {"indicateurs", "epci", "delais", "destinataires"} <= set(workbook.sheetnames)
    sheet = workbook["indicateurs"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Orientations envoyées"] == 11 and rows["Refusées"] == "< 5"
    assert logged_in(world.coordinator).get("/pilotage/export/inconnu.csv").status_code == 404
    assert logged_in(world.coordinator).get("/pilotage/export/epci.pdf").status_code == 404


def test_manager_sees_only_their_structure(world, logged_in):
    html = logged_in(world.manager).get("/pilotage/").get_data(as_text=True)
    assert "Médiation de Test" in html and "reçues par votre structure" in html
    # Filters naming another structure are ignored: the scope stays the manager's.
    key = {
        row["Indicateur"]: row["Valeur"]
        for row in _csv(
            logged_in(world.manager).get(f"/pilotage/export/indicateurs.csv?destinataire={world.sender_org.id}")
        )
    }
    assert key["Orientations envoyées"] == "11"
    other = referral_builders.member(builders.organisation("Autre structure"), MembershipRole.MANAGER)
    key = {row["Indicateur"]: row["Valeur"] for row in _csv(logged_in(other).get("/pilotage/export/indicateurs.csv"))}
    assert key["Orientations envoyées"] == "0"


def test_unknown_filter_values_are_reported_not_fatal(world, logged_in):
    response = logged_in(world.coordinator).get("/pilotage/?epci=nimporte&debut=2099-01&volet=<script>")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "valeur inconnue, filtre ignoré" in html and "<script>" not in html


def test_map_and_summary(world, logged_in):
    client = logged_in(world.coordinator)
    html = client.get("/pilotage/carte?indicateur=sent").get_data(as_text=True)
    assert 'data-testid="epci-map"' in html and "CA du Grand Avignon (COGA)" in html
    # 8 in the Grand Avignon would give the 3 of the COVE away (11 in all): hidden too.
    assert "<td>masqué</td>" in html and "<td>&lt; 5</td>" in html and "<td>8</td>" not in html
    summary = client.get("/pilotage/synthese").get_data(as_text=True)
    assert "synthèse" in summary and "@media print" not in summary  # the print rules live in pilotage.css


def test_service_card_shows_responsiveness_from_ten_orientations(world, logged_in):
    html = logged_in(world.sender).get(f"/annuaire/services/{world.service.id}").get_data(as_text=True)
    assert 'data-testid="responsiveness"' in html and "1\u00a0jour" in html and "67\u00a0%" in html
    other = referral_builders.receiving_service(name="Service récent")
    html = logged_in(world.sender).get(f"/annuaire/services/{other.id}").get_data(as_text=True)
    assert 'data-testid="responsiveness"' not in html


def test_navigation_entry(world, logged_in):
    assert "/pilotage/" in logged_in(world.coordinator).get("/").get_data(as_text=True)
    assert 'href="/pilotage/"' not in logged_in(world.sender).get("/").get_data(as_text=True)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
