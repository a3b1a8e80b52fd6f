"""The open feeds carry each structure's producer and labels (France Services, Conseiller numérique…) and
publish nothing withdrawn from its source: lists leave it out, its id answers 404."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orientation.api.hsds import hsds_id
from orientation.directory.export import export_data_inclusion
from tests.directory import builders as directory_builders

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"
WITHDRAWN_AT = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture
def entries():
    labelled = directory_builders.structure(
        name="Maison France Services de Sault",
        labels_nationaux=["france-service", "aidants-connect"],
        reseaux_porteurs=["conseillers-numeriques"],
    )
    labelled.source = "dora"  # its producer
    live = directory_builders.service("Aide aux démarches en ligne", structure_=labelled, thematiques=[NUMERIQUE])
    gone = directory_builders.service(
        "Atelier fermé", structure_=labelled, thematiques=[NUMERIQUE], withdrawn_at=WITHDRAWN_AT
    )
    gone_structure = directory_builders.structure(name="Association disparue", withdrawn_at=WITHDRAWN_AT)
    gone_with_it = directory_builders.service(
        "Permanence disparue", structure_=gone_structure, withdrawn_at=WITHDRAWN_AT
    )
    return labelled, live, gone, gone_structure, gone_with_it


def test_hsds_organizations_carry_their_labels_by_name_and_their_producer(public_api, entries):
    labelled, live, *_ = entries
    one = public_api.get(f"/api/v1/hsds/organizations/{hsds_id('organization', labelled.id)}").get_json()
    terms = [attribute["taxonomy_term"] for attribute in one["attributes"]]
    assert [(term["code"], term["name"]) for term in terms] == [
        ("france-service", "France Services"),
        ("aidants-connect", "Aidants Connect"),
        ("conseillers-numeriques", "Conseiller numérique"),
    ]
    assert all(a["link_type"] == "organization" and a["link_id"] == one["id"] for a in one["attributes"])
    assert {"identifier_type": "source", "identifier_scheme": "dora", "identifier": labelled.source_id}.items() <= (
        one["organization_identifiers"][0].items()
    )
    full = public_api.get(f"/api/v1/hsds/services/{hsds_id('service', live.id)}").get_json()
    assert [a["taxonomy_term"]["name"] for a in full["organization"]["attributes"]][0] == "France Services"


def test_the_feeds_leave_withdrawn_entries_out(public_api, entries):
    labelled, live, gone, gone_structure, gone_with_it = entries
    services = public_api.get("/api/v1/hsds/services?per_page=100").get_json()["contents"]
    ids = {record["id"] for record in services}
    assert hsds_id("service", live.id) in ids
    assert hsds_id("service", gone.id) not in ids and hsds_id("service", gone_with_it.id) not in ids
    organizations = public_api.get("/api/v1/hsds/organizations?per_page=100").get_json()["contents"]
    assert hsds_id("organization", gone_structure.id) not in {record["id"] for record in organizations}
    at_locations = public_api.get("/api/v1/hsds/service_at_locations?per_page=100").get_json()["contents"]
    assert hsds_id("service", gone.id) not in {record["service_id"] for record in at_locations}
    assert public_api.get(f"/api/v1/hsds/services/{hsds_id('service', gone.id)}").status_code == 404
    assert public_api.get(f"/api/v1/hsds/organizations/{hsds_id('organization', gone_structure.id)}").status_code == 404
    di_services = public_api.get("/api/v1/data-inclusion/services?size=100").get_json()
    assert {record["nom"] for record in di_services["items"]} >= {"Aide aux démarches en ligne"}
    assert not {"Atelier fermé", "Permanence disparue"} & {record["nom"] for record in di_services["items"]}
    di_structures = public_api.get("/api/v1/data-inclusion/structures?size=100").get_json()["items"]
    assert "Association disparue" not in {record["nom"] for record in di_structures}
    record = next(r for r in di_structures if r["nom"] == "Maison France Services de Sault")
    assert record["source"] == "dora" and record["labels_nationaux"] == ["france-service", "aidants-connect"]
    structures, services, _problems = export_data_inclusion()
    assert "Association disparue" not in {s["nom"] for s in structures}
    assert "Atelier fermé" not in {s["nom"] for s in services}
