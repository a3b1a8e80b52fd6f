"""The territory on the service form and pages: zones picked and shown by name, the address placed."""

from __future__ import annotations

import pytest

from orientation.directory import zones
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from tests.directory import builders

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"


@pytest.fixture
def owned(make):
    organisation = make.organisation("Centre social test")
    structure = builders.structure("Centre social test", organisation_id=organisation.id)
    service = builders.service("Accueil social", structure_=structure, thematiques=[NUMERIQUE], zones=["84"])
    return organisation, structure, service


def _form(**overrides):
    data = {
        "name": "Accueil social",
        "description": "Accueil et accompagnement.",
        "thematiques": [NUMERIQUE],
        "code_postal": "84000",
        "commune_name": "Avignon",
        "capacity": "open",
        "hours_public_holidays": "closed",
    }
    data.update(overrides)
    return data


def test_every_kind_of_zone_has_a_name(app):
    assert zones.zone_label("84") == "Vaucluse (département)"
    assert zones.zone_label("30") == "Gard (département)"
    assert zones.zone_label("france") == "Toute la France"
    assert zones.zone_label("84087") == "Orange (84100)"
    assert zones.zone_label("248400251") == "CA du Grand Avignon (COGA)"
    assert zones.zone_label("13055") == "Marseille (Bouches-du-Rhône)"  # outside the territory table
    assert zones.zone_label("200054807").startswith("Métropole d'Aix-Marseille")
    assert zones.zone_label("12") == "Aveyron (département)"
    assert zones.zone_label("00000") == "Zone non reconnue"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Orange (84100)", "84087"),
        ("orange", "84087"),
        ("Vaucluse", "84"),
        ("Gard (département)", "30"),
        ("CA du Grand Avignon (COGA)", "248400251"),
        ("St Saturnin les Avignon", "84119"),
        ("Toute la France", "france"),
    ],
)
def test_a_zone_is_found_by_its_name(app, typed, code):
    assert zones.find_zone(typed) == code


def test_a_name_that_fits_several_zones_or_none_is_not_guessed(app):
    several = zones.find_zone("Saint")
    assert isinstance(several, list) and len(several) > 1
    assert zones.find_zone("Atlantide") is None and zones.find_zone("") is None


def test_a_manager_adds_and_removes_zones_by_name_and_sees_no_code(logged_in, make, owned):
    organisation, _, service = owned
    client = logged_in(make.user(organisation=organisation, role=MembershipRole.MANAGER))
    url = f"/annuaire/services/{service.id}/modifier"
    edit = client.get(url).get_data(as_text=True)
    assert "Vaucluse (département)" in edit and '<option value="Orange (84100)">' in edit
    ambiguous = client.submit(url, _form(zone_eligibilite=["84"], zone_add_1="Saint"))
    assert ambiguous.status_code == 400 and "« Saint » peut désigner" in ambiguous.get_data(as_text=True)
    response = client.submit(url, _form(zone_add_1="Orange", zone_add_2="CA du Grand Avignon (COGA)"))  # 84 unchecked
    assert response.status_code == 302
    db.session.refresh(service)
    assert sorted(service.zone_eligibilite) == ["248400251", "84087"]
    page = client.get(f"/annuaire/services/{service.id}").get_data(as_text=True)
    assert "CA du Grand Avignon (COGA), Orange (84100)" in page and "248400251" not in page


def test_an_imported_zone_outside_the_territory_is_kept_and_named(logged_in, make, owned):
    organisation, _, service = owned
    service.zone_eligibilite.append("13055")
    db.session.flush()
    client = logged_in(make.user(organisation=organisation, role=MembershipRole.MANAGER))
    url = f"/annuaire/services/{service.id}/modifier"
    assert "Marseille (Bouches-du-Rhône)" in client.get(url).get_data(as_text=True)
    assert client.submit(url, _form(zone_eligibilite=["84", "13055"])).status_code == 302
    db.session.refresh(service)
    assert sorted(service.zone_eligibilite) == ["13055", "84"]


def test_the_address_resolves_the_commune_and_a_position(logged_in, make, owned):
    organisation, _, service = owned
    client = logged_in(make.user(organisation=organisation, role=MembershipRole.MANAGER))
    url = f"/annuaire/services/{service.id}/modifier"
    service.adresse, service.code_postal = "2 place de l'Horloge", "84000"
    service.latitude, service.longitude, service.position_is_approximate = 43.9493, 4.8055, False  # its own
    db.session.flush()
    assert client.submit(url, _form(adresse="2 place de l'Horloge", commune_name="AVIGNON")).status_code == 302
    db.session.refresh(service)
    assert (service.latitude, service.longitude, service.position_is_approximate) == (43.9493, 4.8055, False)

    assert client.submit(url, _form(code_postal="84301", commune_name="CAVAILLON CEDEX")).status_code == 302
    db.session.refresh(service)
    cavaillon = service.commune
    assert (service.commune_code, service.code_insee, service.commune_name) == ("84035", "84035", "Cavaillon")
    assert (service.latitude, service.longitude) == (cavaillon.latitude, cavaillon.longitude)
    assert service.position_is_approximate and service.code_postal == "84301"

    assert client.submit(url, _form(code_postal="13013", commune_name="Marseille 13e")).status_code == 302
    db.session.refresh(service)
    assert (service.commune_code, service.code_insee, service.commune_name) == (None, "13055", "Marseille")
    assert service.latitude is None  # no centre known outside Vaucluse

    unknown = client.submit(url, _form(code_postal="84300", commune_name="Les Vignères"))
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 400
    assert "Commune introuvable : « Les Vignères » n&#39;est pas une commune du code postal 84300." in page
    db.session.refresh(service)
    assert service.code_insee == "13055"
