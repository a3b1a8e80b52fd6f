"""The offer beside the demand: services per EPCI and volet, labelled structures, « zones blanches »."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from orientation import clock, french
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.pilotage import offer
from orientation.pilotage.models import OfferSnapshot
from orientation.territory.models import Commune
from tests.directory import builders as directory_builders
from tests.pilotage.test_pages import _csv

ORANGE, COURTHEZON, PERTUIS = "84087", "84039", "84089"
PAYS_D_ORANGE = "248400236"
ORANGE_EPCI = "CC Pays d'Orange en Provence"
NUMERIQUE = "numerique--acceder-a-du-materiel"
NUMERIQUE_2 = "numerique--utiliser-le-numerique-au-quotidien"
MOBILITE = "mobilite--preparer-un-permis"
SANTE = "sante--accompagnement-a-l-acces-aux-soins"


def _epci_line(siren: str) -> offer.EpciOffer:
    return next(line for line in offer.offer_by_epci() if line.siren == siren)


def _population(siren: str) -> int:
    return db.session.scalar(sa.select(sa.func.sum(Commune.population)).where(Commune.epci_siren == siren))


@pytest.fixture
def orange_offer():
    """In the CC Pays d'Orange: 3 numérique services (one with two numérique thématiques, one also in
    mobilité, one without a position of its own), 1 santé; a withdrawn one; labelled structures."""
    before = _epci_line(PAYS_D_ORANGE)
    directory_builders.service(thematiques=[NUMERIQUE, NUMERIQUE_2], commune_code=ORANGE)
    directory_builders.service(thematiques=[NUMERIQUE, MOBILITE], commune_code=ORANGE)
    directory_builders.service(thematiques=[NUMERIQUE], commune_code=COURTHEZON, latitude=None, longitude=None)
    directory_builders.service(thematiques=[SANTE], commune_code=COURTHEZON)
    directory_builders.service(thematiques=[SANTE, MOBILITE], commune_code=ORANGE, withdrawn_at=clock.now())
    directory_builders.structure(commune_code=ORANGE, labels_nationaux=["france-service"])  # v0 spelling
    directory_builders.structure(
        commune_code=COURTHEZON, reseaux_porteurs=["france-services", "conseillers-numeriques"]
    )
    directory_builders.structure(commune_code=ORANGE, labels_nationaux=["conseiller-numerique"])
    directory_builders.structure(commune_code=ORANGE, labels_nationaux=["france-services"], withdrawn_at=clock.now())
    db.session.flush()
    return before


def test_services_are_counted_per_epci_and_volet_once_each_and_not_when_withdrawn(orange_offer):
    before = orange_offer
    after = _epci_line(PAYS_D_ORANGE)
    assert after.services.get(Volet.NUMERIQUE, 0) - before.services.get(Volet.NUMERIQUE, 0) == 3
    assert after.services.get(Volet.MOBILITE, 0) - before.services.get(Volet.MOBILITE, 0) == 1  # not the withdrawn
    assert after.services.get(Volet.SANTE, 0) - before.services.get(Volet.SANTE, 0) == 1
    assert after.population == _population(PAYS_D_ORANGE)
    assert after.per_10k(Volet.NUMERIQUE) == pytest.approx(after.services[Volet.NUMERIQUE] * 10_000 / after.population)


def test_france_services_and_conseillers_numeriques_are_counted_through_every_spelling(orange_offer):
    before = orange_offer
    after = _epci_line(PAYS_D_ORANGE)
    assert after.france_services - before.france_services == 2  # « france-service » and « france-services »
    assert after.conseillers_numeriques - before.conseillers_numeriques == 2


def test_the_coordination_sees_the_offer_and_exports_it(world, logged_in, orange_offer):
    line = _epci_line(PAYS_D_ORANGE)
    client = logged_in(world.coordinator)
    rows = {row["EPCI"]: row for row in _csv(client.get("/pilotage/export/offre-epci.csv"))}
    orange = rows[ORANGE_EPCI]
    assert orange["Habitants"] == str(_population(PAYS_D_ORANGE))
    assert orange["Numérique : services"] == str(line.services[Volet.NUMERIQUE])
    assert orange["Numérique : pour 10 000 hab."] == french.number(line.per_10k(Volet.NUMERIQUE), 1)
    labels = {row["EPCI"]: row for row in _csv(client.get("/pilotage/export/labels-epci.csv"))}
    assert labels[ORANGE_EPCI]["Structures France Services"] == str(line.france_services)
    assert client.get("/pilotage/export/zones-blanches.xlsx").status_code == 200
    page = client.get("/pilotage/").get_data(as_text=True)
    assert "L'offre" in page or "L&#39;offre" in page
    for key in ("offre-epci", "labels-epci", "zones-blanches"):
        assert f'data-testid="table-{key}"' in page
    assert "premières lignes sur" in page and "des plus éloignées aux moins éloignées" in page  # the CSV has all
    manager = logged_in(world.manager)
    manager_page = manager.get("/pilotage/").get_data(as_text=True)
    assert (
        'data-testid="table-offre-epci"' not in manager_page
        and 'data-testid="table-zones-blanches"' not in manager_page
    )
    assert manager.get("/pilotage/export/offre-epci.csv").status_code == 404  # the coordination's only


def _centre(code: str) -> tuple[float, float]:
    commune = db.session.get(Commune, code)
    return commune.latitude, commune.longitude


def test_white_zones_list_the_communes_beyond_the_threshold_only(app, world, logged_in):
    """The test database holds no other service: the one mobilité service in Orange is the nearest to all."""
    directory_builders.service(thematiques=[MOBILITE], commune_code=ORANGE)
    directory_builders.service(  # withdrawn, in Pertuis: not a service any more
        thematiques=[MOBILITE], commune_code=PERTUIS, withdrawn_at=clock.now()
    )
    db.session.flush()
    mobilite = {line.commune_code: line for line in offer.white_zones(15) if line.volet is Volet.MOBILITE}
    assert ORANGE not in mobilite and COURTHEZON not in mobilite  # 0 and 7 km: below the threshold
    expected = offer.great_circle_km(_centre(PERTUIS), _centre(ORANGE))
    assert expected > 15 and mobilite[PERTUIS].km == pytest.approx(expected, abs=0.2)
    assert mobilite[PERTUIS].epci == "Métropole d'Aix-Marseille-Provence" and mobilite[PERTUIS].population > 0
    distances = [line.km for line in offer.white_zones(15) if line.km is not None]
    assert distances == sorted(distances, reverse=True) and distances[0] == max(line.km for line in mobilite.values())

    client = logged_in(world.coordinator)
    rows = _csv(client.get("/pilotage/export/zones-blanches.csv"))
    pertuis = next(row for row in rows if row["Commune"] == "Pertuis" and row["Volet"] == "Mobilité")
    assert pertuis["Distance au service le plus proche (km)"] == french.number(mobilite[PERTUIS].km, 1)
    assert not any(row["Commune"] == "Orange" and row["Volet"] == "Mobilité" for row in rows)
    sante = next(row for row in rows if row["Commune"] == "Orange" and row["Volet"] == "Santé")
    assert sante["Distance au service le plus proche (km)"] == "Aucun service"  # none in the directory
    app.config["PILOTAGE_WHITE_ZONE_KM"] = 1000.0
    try:
        rows = _csv(client.get("/pilotage/export/zones-blanches.csv"))
        assert not any(row["Volet"] == "Mobilité" for row in rows)  # every commune is within 1000 km of Orange
    finally:
        app.config["PILOTAGE_WHITE_ZONE_KM"] = 15.0


def test_a_service_without_a_position_stands_at_its_communes_centre():
    directory_builders.service(thematiques=[MOBILITE], commune_code=PERTUIS, latitude=None, longitude=None)
    db.session.flush()
    lines = {(line.commune_code, line.volet): line for line in offer.nearest_distances()}
    assert lines[(PERTUIS, Volet.MOBILITE)].km == pytest.approx(0, abs=0.2)
    assert lines[(ORANGE, Volet.MOBILITE)].km == pytest.approx(
        offer.great_circle_km(_centre(PERTUIS), _centre(ORANGE)), abs=0.2
    )


def test_great_circle_distance():
    avignon, orange = (43.9493, 4.8055), (44.1392, 4.80791)
    assert offer.great_circle_km(avignon, orange) == pytest.approx(21.1, abs=0.2)
    assert offer.great_circle_km(orange, orange) == 0


def test_the_grid_finds_the_same_nearest_service_as_looking_at_all():
    rng = random.Random(18)
    points = {(rng.uniform(42.5, 45.5), rng.uniform(3.5, 7.5)) for _ in range(400)}
    points |= {(48.85, 2.35), (16.25, -61.58)}  # Paris, Guadeloupe: far rings
    grid = offer.Grid(points)
    for _ in range(60):
        origin = (rng.uniform(43.6, 44.5), rng.uniform(4.6, 5.8))
        assert grid.nearest_km(origin) == pytest.approx(min(offer.great_circle_km(origin, p) for p in points))
    far = offer.Grid({(48.85, 2.35)})
    assert far.nearest_km((44.14, 4.81)) == pytest.approx(offer.great_circle_km((44.14, 4.81), (48.85, 2.35)))
    assert offer.Grid(set()).nearest_km((44.14, 4.81)) is None


def test_the_pages_read_the_workers_snapshot_until_the_next_one(app, world, logged_in, orange_offer):
    """At 100,000 services the offer takes seconds: the worker computes it, the pages read the result."""
    from orientation.pilotage import tasks

    tasks.refresh_offer_task()
    snapshot = offer.current()
    assert snapshot.computed_at is not None
    live = offer.compute()
    assert [(line.siren, line.services, line.france_services) for line in snapshot.lines] == [
        (line.siren, line.services, line.france_services) for line in live.lines
    ]
    assert snapshot.distances == live.distances
    numerique_before = next(line for line in snapshot.lines if line.siren == PAYS_D_ORANGE).services[Volet.NUMERIQUE]

    directory_builders.service(thematiques=[NUMERIQUE], commune_code=ORANGE)  # after the snapshot
    db.session.commit()
    client = logged_in(world.coordinator)
    rows = {row["EPCI"]: row for row in _csv(client.get("/pilotage/export/offre-epci.csv"))}
    assert rows[ORANGE_EPCI]["Numérique : services"] == str(numerique_before)
    tasks.refresh_offer_task()
    rows = {row["EPCI"]: row for row in _csv(client.get("/pilotage/export/offre-epci.csv"))}
    assert rows[ORANGE_EPCI]["Numérique : services"] == str(numerique_before + 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfferSnapshot)) == 1  # only the latest kept
    page = client.get("/pilotage/carte/zones-blanches").get_data(as_text=True)
    assert "L'annuaire au " in page
