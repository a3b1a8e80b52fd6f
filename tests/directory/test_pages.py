"""Directory pages: search with filters in the URL, map data, service and structure pages, edit, confirm."""

import json
import re
from datetime import date

import pytest

from orientation.directory.models import Service
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from tests.directory import builders

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"


@pytest.fixture
def entry(make):
    organisation = make.organisation("Lieu numérique test")
    structure = builders.structure("Lieu numérique test", organisation_id=organisation.id)
    service = builders.service(
        "Aide aux démarches <b>en ligne</b>",
        structure_=structure,
        thematiques=[NUMERIQUE],
        description="<script>alert('x')</script> Accompagnement.",
        zones=["84"],
        date_maj=date(2020, 1, 1),
    )
    return organisation, structure, service


def test_search_page_shows_cards_map_data_and_keeps_filters(logged_in, make, entry):
    client = logged_in(make.agent())
    page = client.get("/annuaire/?q=d%C3%A9marche&volet=numerique&commune=84007").get_data(as_text=True)
    assert "Aide aux démarches &lt;b&gt;en ligne&lt;/b&gt;" in page
    assert "<script>alert" not in page
    assert 'value="démarche"' in page and '<option selected value="numerique">' in page
    assert "À vérifier" in page  # never confirmed since 2020
    data = json.loads(
        re.search(r'<script type="application/json" id="directory-map-data">(.*?)</script>', page, re.S).group(1)
    )
    assert data["points"][0]["name"] == "Aide aux démarches <b>en ligne</b>" and data["origin"]
    assert "vendor/leaflet/leaflet.js" in page


@pytest.mark.parametrize(
    "query",
    [
        "thematique=numerique--inventee",
        "commune=99999",
        "distance=-4",
        "distance=999999",
        "distance=abc",
        "lat=nan&lon=inf",
        "page=-1",
        "page=abc",
        "q=" + "x" * 10_000,
        "q=%27%3B+DROP+TABLE+services%3B--",
        "volet=sante%27",
        "public=%3Cscript%3E",
        "ouvert=1",
    ],
)
def test_bad_search_input_gives_a_message_or_an_empty_result(logged_in, make, entry, query):
    response = logged_in(make.agent()).get(f"/annuaire/?{query}")
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_unknown_thematique_is_reported_in_french(logged_in, make, entry):
    page = logged_in(make.agent()).get("/annuaire/?thematique=numerique--inventee").get_data(as_text=True)
    assert "Cette thématique n&#39;existe pas" in page


def test_service_and_structure_pages_escape_imported_text(logged_in, make, entry):
    _, structure, service = entry
    client = logged_in(make.agent())
    page = client.get(f"/annuaire/services/{service.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    assert "Confirmer que la fiche est à jour" not in page  # an agent of another organisation
    assert client.get(f"/annuaire/structures/{structure.id}").status_code == 200
    assert client.get("/annuaire/services/999999").status_code == 404


def test_directory_needs_a_login(client):
    assert client.get("/annuaire/").status_code == 302


def test_manager_confirms_freshness_in_one_click(logged_in, make, entry):
    organisation, _, service = entry
    manager = make.manager(organisation)
    client = logged_in(manager)
    assert "Confirmer que la fiche est à jour" in client.get(f"/annuaire/services/{service.id}").get_data(as_text=True)
    response = client.submit(f"/annuaire/services/{service.id}/confirmer", page=f"/annuaire/services/{service.id}")
    assert response.status_code == 302
    db.session.refresh(service)
    assert service.confirmed_by_id == manager.id and not service.is_stale()


def test_others_cannot_edit_or_confirm(logged_in, make, entry):
    _, _, service = entry
    client = logged_in(make.manager())  # manager of another organisation
    assert client.get(f"/annuaire/services/{service.id}/modifier").status_code == 403
    assert client.post(f"/annuaire/services/{service.id}/confirmer").status_code in (400, 403)
    # A manager sees the entries to confirm of their own structure only.
    assert f"/annuaire/services/{service.id}" not in client.get("/annuaire/a-verifier").get_data(as_text=True)


def _form(**overrides):
    data = {
        "name": "Permanence numérique",
        "description": "Aide aux démarches en ligne.",
        "thematiques": [NUMERIQUE],
        "code_postal": "84100",
        "commune_name": "orange",
        "capacity": "waiting_list",
        **{f"hours_{day}_1_start": "09:00" for day in ("mo", "tu", "we", "th", "fr")},
        **{f"hours_{day}_1_end": "12:00" for day in ("mo", "tu", "we", "th", "fr")},
        "hours_public_holidays": "closed",
        "zone_eligibilite": ["84087", "84"],
    }
    data.update(overrides)
    return data


def test_manager_edits_a_service_and_errors_keep_the_input(logged_in, make, entry):
    organisation, _, service = entry
    client = logged_in(make.user(organisation=organisation, role=MembershipRole.MANAGER))
    url = f"/annuaire/services/{service.id}/modifier"
    response = client.submit(
        url,
        _form(hours_tu_1_end="8 h", zone_add_1="Atlantide", description="Nouvelle description gardée"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "La fermeture doit suivre l&#39;ouverture." in page and "s&#39;appelle « Atlantide »" in page
    assert "Nouvelle description gardée" in page and 'value="8 h"' in page and 'value="Atlantide"' in page
    response = client.submit(url, _form())
    assert response.status_code == 302
    db.session.refresh(service)
    assert service.name == "Permanence numérique" and service.capacity.value == "waiting_list"
    assert list(service.zone_eligibilite) == ["84", "84087"] and service.commune_name == "Orange"
    assert service.horaires_accueil == "Mo-Fr 09:00-12:00; PH off"
    assert service.confirmed_at is not None


def test_the_service_form_edits_its_follow_up_delays(logged_in, make, entry):
    """The delays a service overrides are kept by the referrals area, edited on the same form as before."""
    from orientation.followups.overrides import get_service_overrides

    organisation, _, service = entry
    client = logged_in(make.user(organisation=organisation, role=MembershipRole.MANAGER))
    url = f"/annuaire/services/{service.id}/modifier"
    too_long = client.submit(url, _form(expiry_days="400"))
    assert too_long.status_code == 400 and "Entre 1 et 365 jours." in too_long.get_data(as_text=True)
    assert client.submit(url, _form(reminder_unopened_days="4", expiry_days="10")).status_code == 302
    assert get_service_overrides(service.id) == {"referrals.unopened": 4, "referrals.expiry": 10}
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'name="reminder_unopened_days"[^>]*value="4"', page)
    assert client.submit(url, _form(expiry_days="12")).status_code == 302  # emptied: back to the setting
    assert get_service_overrides(service.id) == {"referrals.expiry": 12}


def test_coordinator_creates_a_service_and_sees_stale_entries(logged_in, make, entry):
    _, structure, _ = entry
    client = logged_in(make.user(coordinator=True))
    response = client.submit(f"/annuaire/structures/{structure.id}/services/nouveau", _form(name="Nouveau service"))
    assert response.status_code == 302
    created = db.session.scalar(db.select(Service).where(Service.name == "Nouveau service"))
    assert created.source == "orientation-vaucluse" and created.latitude is not None
    page = client.get("/annuaire/a-verifier").get_data(as_text=True)
    assert "Aide aux démarches &lt;b&gt;en ligne&lt;/b&gt;</a>" in page and "Nouveau service</a>" not in page


def test_navigation_and_home_tile(logged_in, make):
    page = logged_in(make.agent()).get("/").get_data(as_text=True)
    assert "Annuaire" in page and "Trouver un service" in page
