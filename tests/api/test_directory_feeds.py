"""The directory feeds follow data·inclusion v1 and HSDS 3.0 (validated against the reference schemas)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from orientation.api.hsds import hsds_id, taxonomy_term_id
from orientation.extensions import db
from tests.api.conftest import REFERENCE
from tests.directory import builders as directory_builders

pytestmark = pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/reference is not beside the checkout")

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"
MOBILITE = "mobilite--acceder-a-un-vehicule"


def _data_inclusion_validator(kind: str):
    schema = json.loads((REFERENCE / "fr" / "data-inclusion-schema" / "v1" / f"{kind}.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _hsds_validator(name: str):
    folder = REFERENCE / "intl" / "hsds-3.0" / "schema"
    registry = Registry()
    for path in folder.glob("*.json"):
        if path.name == "openapi.json":
            continue
        registry = registry.with_resource(
            path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)
        )
    schema = json.loads((folder / f"{name}.json").read_text())
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())


def _assert_valid(validator, record):
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(record)]
    assert errors == [], record


@pytest.fixture
def directory():
    structure = directory_builders.structure(
        name="Maison France Services de Sault",
        siret="21840128300015",
        telephone="04 90 64 00 00",
        courriel="mfs@sault.fr",
        labels_nationaux=["france-service", "aidants-connect"],  # exported as HSDS attributes: validated too
        reseaux_porteurs=["conseillers-numeriques"],
    )
    in_avignon = directory_builders.service(
        "Aide aux démarches en ligne",
        structure_=structure,
        thematiques=[NUMERIQUE],
        zones=["84"],
        commune_code="84007",
        adresse="1 place de l'Horloge",
        code_postal="84000",
        contact_nom_prenom="Jeanne Dupont",
        telephone="04 90 00 00 01",
    )
    in_cavaillon = directory_builders.service(
        "Location de scooters", thematiques=[MOBILITE], zones=["84035"], commune_code="84035", code_postal="84300"
    )
    return structure, in_avignon, in_cavaillon


def test_data_inclusion_feeds_validate_against_the_v1_schema(public_api, directory):
    structures = public_api.get("/api/v1/data-inclusion/structures?size=100").get_json()
    services = public_api.get("/api/v1/data-inclusion/services?size=100").get_json()
    assert structures["total"] >= 2 and services["total"] >= 2
    for record in structures["items"]:
        _assert_valid(_data_inclusion_validator("structure"), record)
    for record in services["items"]:
        _assert_valid(_data_inclusion_validator("service"), record)
    names = {record["nom"]: record for record in services["items"]}
    assert names["Aide aux démarches en ligne"]["contact_nom_prenom"] is None  # no personal data in open feeds
    filtered = public_api.get(f"/api/v1/data-inclusion/services?thematique={MOBILITE}").get_json()
    assert {record["nom"] for record in filtered["items"]} == {"Location de scooters"}


def test_hsds_services_and_organizations_validate_against_hsds_3(public_api, directory):
    structure, in_avignon, _ = directory
    page = public_api.get("/api/v1/hsds/services?per_page=100").get_json()
    for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"):
        assert key in page
    for record in page["contents"]:
        _assert_valid(_hsds_validator("service"), record)
    full = public_api.get(f"/api/v1/hsds/services/{hsds_id('service', in_avignon.id)}").get_json()
    _assert_valid(_hsds_validator("service"), full)
    assert full["organization"]["name"] == "Maison France Services de Sault"
    assert full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "84000"
    assert full["attributes"][0]["taxonomy_term"]["code"] == NUMERIQUE
    assert "Jeanne" not in json.dumps(full)
    organizations = public_api.get("/api/v1/hsds/organizations?per_page=100").get_json()
    for record in organizations["contents"]:
        _assert_valid(_hsds_validator("organization"), record)
    one = public_api.get(f"/api/v1/hsds/organizations/{hsds_id('organization', structure.id)}").get_json()
    _assert_valid(_hsds_validator("organization"), one)
    at_locations = public_api.get("/api/v1/hsds/service_at_locations?per_page=100").get_json()
    for record in at_locations["contents"]:
        _assert_valid(_hsds_validator("service_at_location"), record)


def test_hsds_filters(public_api, directory):
    structure, in_avignon, in_cavaillon = directory

    def names(url):
        answer = public_api.get(url)
        assert answer.status_code == 200, answer.get_json()
        return {record.get("name") or record["service_id"] for record in answer.get_json()["contents"]}

    assert names(f"/api/v1/hsds/services?taxonomy_term_id={taxonomy_term_id(MOBILITE)}") == {"Location de scooters"}
    assert names(f"/api/v1/hsds/services?organization_id={hsds_id('organization', structure.id)}") == {
        "Aide aux démarches en ligne"
    }
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert names(f"/api/v1/hsds/services?modified_after={future}") == set()
    # Cavaillon (84300): served by the service whose zone is the commune, and the one covering all of Vaucluse.
    around = names("/api/v1/hsds/service_at_locations?postcode=84300")
    assert {hsds_id("service", in_cavaillon.id), hsds_id("service", in_avignon.id)} <= around
    # Within 5 km of Cavaillon's centre: not Avignon (about 20 km away).
    # A commune with several postcodes (Avignon: 84000 and 84140) is found by each.
    assert hsds_id("service", in_avignon.id) in names("/api/v1/hsds/service_at_locations?postcode=84140&proximity=3000")
    near = names("/api/v1/hsds/service_at_locations?postcode=84300&proximity=5000")
    assert hsds_id("service", in_cavaillon.id) in near and hsds_id("service", in_avignon.id) not in near
    # "modified_after" means changed or confirmed since, with a postcode too.
    in_cavaillon.confirmed_at = datetime.now(UTC) + timedelta(days=2)
    db.session.commit()
    assert names(f"/api/v1/hsds/service_at_locations?postcode=84300&modified_after={future}") == {
        hsds_id("service", in_cavaillon.id)
    }


def test_hsds_pagination(public_api, directory):
    first = public_api.get("/api/v1/hsds/services?per_page=1&page=1").get_json()
    second = public_api.get("/api/v1/hsds/services?per_page=1&page=2").get_json()
    assert first["first_page"] and not first["last_page"] and first["size"] == 1
    assert first["contents"][0]["id"] != second["contents"][0]["id"]
    assert first["total_pages"] == first["total_items"]


def test_a_page_by_page_pull_reads_every_entry_once_in_order(public_api, directory):
    for number in range(5):
        directory_builders.service(f"Service tiré {number}", thematiques=[NUMERIQUE])

    def pull(path, size_name, items_key, pages_key):
        ids, page = [], 1
        while True:
            body = public_api.get(f"{path}?page={page}&{size_name}=2").get_json()
            ids += [item["id"] for item in body[items_key]]
            if page >= body[pages_key]:
                return ids
            page += 1

    hsds_ids = pull("/api/v1/hsds/services", "per_page", "contents", "total_pages")
    assert len(hsds_ids) == len(set(hsds_ids)) == 7
    assert hsds_ids == sorted(hsds_ids, key=lambda value: int(value[-12:], 16))  # by id
    records = pull("/api/v1/data-inclusion/services", "size", "items", "pages")
    assert len(records) == len(set(records)) == 7
    assert len(pull("/api/v1/hsds/organizations", "per_page", "contents", "total_pages")) == 7
    beyond = public_api.get("/api/v1/hsds/services?page=9&per_page=2").get_json()
    assert beyond["contents"] == [] and beyond["total_items"] == 7


def _towards(origin, km, bearing_degrees):
    """The point `km` away from `origin` on a sphere of the app's radius, towards `bearing_degrees`."""
    radius = 6371.0
    latitude, longitude = (math.radians(value) for value in origin)
    bearing, angle = math.radians(bearing_degrees), km / radius
    to_latitude = math.asin(
        math.sin(latitude) * math.cos(angle) + math.cos(latitude) * math.sin(angle) * math.cos(bearing)
    )
    to_longitude = longitude + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(latitude),
        math.cos(angle) - math.sin(latitude) * math.sin(to_latitude),
    )
    return math.degrees(to_latitude), math.degrees(to_longitude)


def test_proximity_keeps_the_services_at_the_edge_of_the_radius_nearest_first(public_api):
    from orientation.api.queries import postcode_communes

    communes = postcode_communes("84300")
    origin = (sum(c.latitude for c in communes) / len(communes), sum(c.longitude for c in communes) / len(communes))
    inside, outside = {}, {}
    for bearing in (0, 45, 90, 180, 270):
        for km, found in ((49.9, inside), (50.2, outside), (10 + bearing / 10, inside)):
            latitude, longitude = _towards(origin, km, bearing)
            service = directory_builders.service(commune_code=None, latitude=latitude, longitude=longitude)
            found[hsds_id("service", service.id)] = km
    db.session.commit()

    seen = []
    for page in (1, 2, 3, 4):
        body = public_api.get(
            f"/api/v1/hsds/service_at_locations?postcode=84300&proximity=50000&per_page=3&page={page}"
        ).get_json()
        seen += [record["service_id"] for record in body["contents"]]
    assert set(seen) == set(inside) and len(seen) == len(inside) == body["total_items"]
    assert [inside[service_id] for service_id in seen] == sorted(inside.values())  # nearest first


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/hsds/services?page=0",
        "/api/v1/hsds/services?per_page=1000",
        "/api/v1/hsds/services?page=abc",
        "/api/v1/hsds/services?modified_after=yesterday",
        "/api/v1/hsds/services?taxonomy_term_id=nope",
        "/api/v1/hsds/services?organization_id=nope",
        "/api/v1/hsds/service_at_locations?postcode=8400",
        "/api/v1/hsds/service_at_locations?postcode=84000&proximity=0",
    ],
)
def test_bad_parameters_are_400_problems(public_api, url):
    answer = public_api.get(url)
    assert answer.status_code == 400 and answer.content_type == "application/problem+json"
    assert answer.get_json()["errors"]


def test_unknown_ids_are_404_problems(public_api):
    for url in (
        "/api/v1/hsds/services/not-a-uuid",
        f"/api/v1/hsds/services/{hsds_id('service', 999999)}",
        f"/api/v1/hsds/services/{hsds_id('organization', 1)}",
        "/api/v1/hsds/organizations/x",
    ):
        answer = public_api.get(url)
        assert answer.status_code == 404 and answer.content_type == "application/problem+json"
    db.session.rollback()


def test_a_postcode_of_several_communes_finds_the_services_of_each_in_one_subquery(public_api):
    """84390 covers Sault, Brantes, Monieux… in two EPCI: a service in any of them, or serving either EPCI."""
    in_brantes = directory_builders.service("Permanence à Brantes", commune_code="84021")
    for_ventoux_sud = directory_builders.service("Bus du Ventoux Sud", commune_code=None, zones=["200035723"])
    in_avignon = directory_builders.service("Accueil à Avignon", commune_code="84007", zones=["84007"])
    db.session.commit()
    body = public_api.get("/api/v1/hsds/service_at_locations?postcode=84390&per_page=50").get_json()
    found = {record["service_id"] for record in body["contents"]}
    assert {hsds_id("service", in_brantes.id), hsds_id("service", for_ventoux_sud.id)} <= found
    assert hsds_id("service", in_avignon.id) not in found
