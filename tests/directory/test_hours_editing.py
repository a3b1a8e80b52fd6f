"""Hours on the service form (day by day, no OSM syntax) and on every page (plain French)."""

from __future__ import annotations

import pytest

from orientation.directory.models import Service
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from tests.directory import builders

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"


@pytest.fixture
def owned(make):
    organisation = make.organisation("Maison France Services test")
    structure = builders.structure("Maison France Services test", organisation_id=organisation.id)
    service = builders.service("Accueil numérique", structure_=structure, thematiques=[NUMERIQUE], zones=["84"])
    return organisation, structure, service


def _manager(logged_in, make, organisation):
    return logged_in(make.user(organisation=organisation, role=MembershipRole.MANAGER))


def _form(**overrides):
    data = {
        "name": "Accueil numérique",
        "description": "Aide aux démarches en ligne.",
        "thematiques": [NUMERIQUE],
        "code_postal": "84000",
        "commune_name": "Avignon",
        "capacity": "open",
        "zone_eligibilite": ["84"],
        "hours_public_holidays": "closed",
    }
    data.update(overrides)
    return data


def _weekdays(start, end, slot=1):
    return {
        f"hours_{day}_{slot}_{edge}": value
        for day in ("mo", "tu", "we", "th", "fr")
        for edge, value in (("start", start), ("end", end))
    }


def test_a_manager_types_hours_day_by_day_and_every_page_says_them_in_french(logged_in, make, owned):
    organisation, structure, service = owned
    client = _manager(logged_in, make, organisation)
    url = f"/annuaire/services/{service.id}/modifier"
    form = _form(
        **_weekdays("8:30", "12h"),
        **_weekdays("13 h 30", "17:00", slot=2),
        hours_sa_1_start="09:00",
        hours_sa_1_end="12:00",
    )
    assert client.submit(url, form).status_code == 302
    db.session.refresh(service)
    assert service.horaires_accueil == "Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00; PH off"
    page = client.get(f"/annuaire/services/{service.id}").get_data(as_text=True).replace("\u00a0", " ")
    assert (
        "Horaires : du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h ; samedi : 9 h – 12 h ; fermé les jours fériés"
        in page
    )
    assert "Mo-Fr" not in page and "PH off" not in page
    edit = client.get(url).get_data(as_text=True)
    assert 'id="hours_mo_2_start" name="hours_mo_2_start" type="time" value="13:30"' in edit and "Mo-Fr" not in edit
    assert (
        '<input checked id="hours_public_holidays-0" name="hours_public_holidays" type="radio" value="closed">' in edit
    )


def test_wrong_ranges_are_refused_in_french_and_nothing_is_saved(logged_in, make, owned):
    organisation, _, service = owned
    client = _manager(logged_in, make, organisation)
    url = f"/annuaire/services/{service.id}/modifier"
    before = service.horaires_accueil
    for fields, message in (
        ({"hours_mo_1_start": "12:00", "hours_mo_1_end": "09:00"}, "La fermeture doit suivre l&#39;ouverture."),
        ({"hours_mo_1_start": "09:00"}, "Indiquez l&#39;heure d&#39;ouverture et l&#39;heure de fermeture."),
        ({"hours_mo_1_start": "midi", "hours_mo_1_end": "14:00"}, "Indiquez une heure comme 8:30 ou 8 h 30."),
        (
            {
                "hours_mo_1_start": "09:00",
                "hours_mo_1_end": "14:00",
                "hours_mo_2_start": "13:00",
                "hours_mo_2_end": "17:00",
            },
            "Cette plage doit commencer après la fin de la précédente.",
        ),
    ):
        response = client.submit(url, _form(**fields))
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page
        assert "Lundi, plage " in page  # the error summary names the field
    db.session.refresh(service)
    assert service.horaires_accueil == before


def test_hours_the_app_cannot_read_are_shown_as_written_kept_until_replaced_or_cleared(logged_in, make, owned):
    organisation, structure, service = owned
    service.horaires_accueil = 'Mo-Fr 09:00-12:00 "sur rendez-vous"'
    structure.horaires_accueil = "Jan-Jun Mo-Fr 09:00-12:00"
    db.session.flush()
    client = _manager(logged_in, make, organisation)
    page = client.get(f"/annuaire/services/{service.id}").get_data(as_text=True)
    assert "Horaires (format non reconnu) : Mo-Fr 09:00-12:00 &#34;sur rendez-vous&#34;" in page
    structure_page = client.get(f"/annuaire/structures/{structure.id}").get_data(as_text=True)
    assert "Horaires (format non reconnu) : Jan-Jun Mo-Fr 09:00-12:00" in structure_page
    url = f"/annuaire/services/{service.id}/modifier"
    edit = client.get(url).get_data(as_text=True)
    assert "Horaires actuels (format non reconnu)" in edit and "Effacer ces horaires" in edit
    assert client.submit(url, _form()).status_code == 302  # nothing typed: kept
    db.session.refresh(service)
    assert service.horaires_accueil == 'Mo-Fr 09:00-12:00 "sur rendez-vous"'
    assert client.submit(url, _form(hours_clear="y")).status_code == 302
    db.session.refresh(service)
    assert service.horaires_accueil is None


def test_a_new_service_without_hours_stores_none_and_a_readable_one_is_prefilled(logged_in, make, owned):
    organisation, structure, service = owned
    client = _manager(logged_in, make, organisation)
    response = client.submit(f"/annuaire/structures/{structure.id}/services/nouveau", _form(name="Sans horaires"))
    assert response.status_code == 302
    created = db.session.scalar(db.select(Service).where(Service.name == "Sans horaires"))
    assert created.horaires_accueil is None
    service.horaires_accueil = "Tu 14:00-17:00"
    db.session.flush()
    edit = client.get(f"/annuaire/services/{service.id}/modifier").get_data(as_text=True)
    assert 'name="hours_tu_1_end" type="time" value="17:00"' in edit
    assert '<input checked id="hours_public_holidays-1"' in edit  # no PH rule: open as the days say
