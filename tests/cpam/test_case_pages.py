"""The MAS case as pages, one per stage: each shows its form and the stepper, each form comes back to its
page, every read is logged, the CPAM alone opens them; practitioners by the care given up, nearest first."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.cpam import operations
from orientation.cpam.models import CaseStage, MasCase
from orientation.db import utcnow
from orientation.directory.models import Capacity
from orientation.extensions import db
from orientation.territory.models import Commune
from tests.directory import builders as directory_builders
from tests.referrals.test_statement_counts import counting

KM_PER_DEGREE = 6371.0 * 3.141592653589793 / 180  # along a meridian, as the directory's haversine measures


def contacted(world) -> MasCase:
    case = world.saisine()
    operations.record_contact_attempt(case, user=world.conseiller, succeeded=True, channel="phone", note=None)
    db.session.commit()
    return case


def _url(case, page: str = "") -> str:
    return f"/cpam/dossiers/{case.id}" + (f"/{page}" if page else "")


def _forms(html: str) -> set[str]:
    return set(re.findall(r'data-form="([\w-]+)"', html))


# (page, the forms it shows for a case at « Bilan des droits »)
PAGES = [
    ("contact", set()),  # the contact is made: the attempts are listed, no form
    ("droits", {"rights"}),
    ("praticiens", {"stage", "practitioners"}),
    ("financement", {"stage", "financing"}),
    ("suivi", {"stage", "follow-up"}),
    ("cloture", {"close"}),
    ("notes", {"note"}),
]


@pytest.mark.parametrize(("page", "expected"), PAGES)
def test_each_page_shows_its_form_and_the_stepper(cpam_world, logged_in, page, expected):
    case = contacted(cpam_world)
    response = logged_in(cpam_world.conseiller).get(_url(case, page))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _forms(html) == expected, page
    assert 'class="fr-stepper"' in html and 'data-stage="rights_review"' in html
    assert 'data-fr-current-step="3"' in html  # nouveau, premier contact, bilan des droits
    assert re.search(rf'data-page="{page}"><a class="fr-link" href="[^"]+" aria-current="page"', html)
    assert re.search(r'data-page="droits">.*?data-testid="current-stage"', html, re.S)  # where the case is


def test_the_summary_shows_the_current_stage_and_its_form_only(cpam_world, logged_in):
    case = cpam_world.saisine()
    db.session.commit()
    html = logged_in(cpam_world.conseiller).get(_url(case)).get_data(as_text=True)
    assert _forms(html) == {"contact"} and 'data-action="open"' in html
    assert "Étape en cours : Premier contact" in html and 'data-testid="timeline"' in html
    case = contacted(cpam_world)
    html = logged_in(cpam_world.conseiller).get(_url(case)).get_data(as_text=True)
    assert _forms(html) == {"rights", "waiting"}
    assert "Étape en cours : Bilan des droits" in html


def test_a_working_page_moves_the_case_to_its_stage(cpam_world, logged_in):
    case = contacted(cpam_world)
    client = logged_in(cpam_world.conseiller)
    response = client.submit(_url(case, "etape"), {"stage": "financial_arrangement"}, page=_url(case, "financement"))
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(case, "financement"))
    db.session.expire_all()
    assert db.session.get(MasCase, case.id).stage is CaseStage.FINANCIAL_ARRANGEMENT


@pytest.mark.parametrize(
    ("post", "data", "back"),
    [
        ("droits", {"right_css": "opened"}, "droits"),
        ("praticiens", {"note": "Deux cabinets"}, "praticiens"),
        ("financement", {"aids": ["css"], "note": "Devis"}, "financement"),
        ("suivi", {"note": "Rendez-vous pris"}, "suivi"),
        ("notes", {"body": "Rappeler jeudi"}, "notes"),
    ],
)
def test_each_form_comes_back_to_its_page(cpam_world, logged_in, post, data, back):
    case = contacted(cpam_world)
    client = logged_in(cpam_world.conseiller)
    response = client.submit(_url(case, post), data, page=_url(case, back))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(_url(case, back))


def test_a_contact_made_goes_on_to_the_rights_and_a_missed_one_stays(cpam_world, logged_in):
    case = cpam_world.saisine()
    operations.open_case(case, user=cpam_world.conseiller)
    db.session.commit()
    client = logged_in(cpam_world.conseiller)
    url, page = _url(case, "tentatives"), _url(case, "contact")
    missed = client.submit(url, {"succeeded": "no", "channel": "phone"}, page=page)
    assert missed.headers["Location"].endswith(_url(case, "contact"))
    made = client.submit(url, {"succeeded": "yes", "channel": "phone"}, page=page)
    assert made.headers["Location"].endswith(_url(case, "droits"))


def test_a_refused_form_is_shown_again_on_its_page(cpam_world, logged_in):
    case = contacted(cpam_world)
    client = logged_in(cpam_world.conseiller)
    response = client.submit(_url(case, "notes"), {"body": "  "}, page=_url(case, "notes"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Écrivez la note." in html
    assert "<h1>Notes internes et chronologie" in html


def test_reading_a_stage_page_is_logged(cpam_world, logged_in):
    case = contacted(cpam_world)
    logged_in(cpam_world.conseiller).get(_url(case, "praticiens"))
    rows = db.session.scalars(
        sa.select(PersonAccessLog).where(
            PersonAccessLog.person_id == case.person_id,
            PersonAccessLog.purpose == "cpam.show",
            PersonAccessLog.user_id == cpam_world.conseiller.id,
        )
    ).all()
    assert len(rows) == 1 and rows[0].orientation_id == case.orientation_id


@pytest.mark.parametrize("page", ["contact", "droits", "praticiens", "financement", "suivi", "cloture", "notes"])
def test_only_the_mas_team_opens_the_stage_pages(cpam_world, logged_in, page):
    case = contacted(cpam_world)
    for user in (cpam_world.detector, cpam_world.other_detector, cpam_world.coordinator):
        assert logged_in(user).get(_url(case, page)).status_code == 403, (user, page)
    assert logged_in(cpam_world.conseiller).get(f"/cpam/dossiers/999999/{page}").status_code == 404


# ---------------------------------------------------------------------------------------------
# Practitioners


def _santé(name: str, origin: Commune, km: float, description: str, **fields):
    """A place of care `km` north of the commune's centre."""
    return directory_builders.service(
        name,
        thematiques=["sante--acces-aux-soins"],
        zones=["84"],
        commune_code=origin.code_insee,
        description=description,
        latitude=origin.latitude + km / KM_PER_DEGREE,
        longitude=origin.longitude,
        **fields,
    )


@pytest.fixture
def places(cpam_world):
    """Around the person's commune: two dental places (12 and 3.2 km), an optician (1 km), a dental
    workshop outside the santé volet, a dental place withdrawn from the directory."""
    origin = db.session.get(Commune, cpam_world.person.commune_code)
    far = _santé("Centre de santé dentaire", origin, 12, "Soins dentaires et prothèses.")
    near = _santé(
        "Cabinet de la Durance",
        origin,
        3.2,
        "Chirurgiens-dentistes, accueil des patients CSS.",
        capacity=Capacity.FULL,
        capacity_confirmed_at=utcnow(),
    )
    optician = _santé("Opticien solidaire", origin, 1, "Lunettes à petit prix.", capacity=Capacity.WAITING_LIST)
    directory_builders.service(
        "Atelier numérique dentaire", thematiques=["numerique--acceder-a-des-services-en-ligne"], zones=["84"]
    )
    _santé("Cabinet fermé", origin, 2, "Soins dentaires.", withdrawn_at=utcnow())
    return {"far": far, "near": near, "optician": optician}


def _listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-service="(\d+)"', html)]


def test_practitioners_match_the_care_given_up_nearest_first(cpam_world, places, logged_in):
    case = contacted(cpam_world)  # dentaire
    html = logged_in(cpam_world.conseiller).get(_url(case, "praticiens")).get_data(as_text=True)
    assert _listed(html) == [places["near"].id, places["far"].id]
    assert 'data-filter="care"' in html and "soins dentaires" in html
    assert "3,2\u00a0km" in html and "12\u00a0km" in html
    near = html[html.index(f'data-service="{places["near"].id}"') :]
    near = near[: near.index("</label>")]
    assert 'data-capacity="full"' in near and "Complet" in near and "(confirmé le " in near


def test_every_place_of_care_on_demand_nearest_first(cpam_world, places, logged_in):
    case = contacted(cpam_world)
    html = logged_in(cpam_world.conseiller).get(_url(case, "praticiens") + "?tous=1").get_data(as_text=True)
    listed = _listed(html)
    assert listed[:3] == [places["optician"].id, places["near"].id, places["far"].id]
    assert cpam_world.team.service_id not in listed  # the MAS itself: a santé service, not a place of care
    assert 'data-filter="all"' in html and 'data-capacity="waiting_list"' in html
    assert "Cabinet fermé" not in html and "Atelier numérique" not in html
    assert 'data-action="matching-places"' in html


def test_care_kinds_map_to_their_places(cpam_world, places, logged_in):
    case = cpam_world.saisine(care_kinds=["optique"])
    operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
    db.session.commit()
    html = logged_in(cpam_world.conseiller).get(_url(case, "praticiens")).get_data(as_text=True)
    assert _listed(html) == [places["optician"].id]


def test_places_proposed_stay_listed_and_are_saved(cpam_world, places, logged_in):
    case = contacted(cpam_world)
    client = logged_in(cpam_world.conseiller)
    chosen = [str(places["near"].id), str(places["optician"].id)]  # the optician: chosen from « tous »
    response = client.submit(_url(case, "praticiens"), {"service_ids": chosen}, page=_url(case, "praticiens"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MasCase, case.id).practitioner_service_ids == [int(i) for i in chosen]
    html = client.get(_url(case, "praticiens")).get_data(as_text=True)
    assert _listed(html) == [places["near"].id, places["far"].id, places["optician"].id]
    assert "déjà proposé, hors de cette liste" in html
    assert f'value="{places["optician"].id}" checked' in html


def test_a_place_outside_the_santé_volet_is_refused(cpam_world, places, logged_in):
    case = contacted(cpam_world)
    other = directory_builders.service("Atelier", thematiques=["numerique--acceder-a-des-services-en-ligne"])
    db.session.commit()
    response = logged_in(cpam_world.conseiller).submit(
        _url(case, "praticiens"), {"service_ids": [str(other.id)]}, page=_url(case, "praticiens")
    )
    assert response.status_code == 400 and "Lieux de soins proposés" in response.get_data(as_text=True)


def test_the_practitioners_page_issues_the_same_statements_for_3_or_15_places(cpam_world, logged_in):
    case = contacted(cpam_world)
    client = logged_in(cpam_world.conseiller)
    origin = db.session.get(Commune, cpam_world.person.commune_code)

    def add(count):
        for index in range(count):  # half of them in a structure with an organisation (their reach reads it)
            structure = directory_builders.structure(organisation_id=cpam_world.cpam.id if index % 2 else None)
            _santé(f"Lieu {index}", origin, 1 + index, "Soins dentaires.", structure_=structure)
        db.session.commit()

    counts = []
    for count in (3, 12):
        add(count)
        with counting() as statements:
            assert client.get(_url(case, "praticiens")).status_code == 200
        counts.append(len(statements))
    assert len(_listed(client.get(_url(case, "praticiens")).get_data(as_text=True))) == 15
    assert counts[0] == counts[1], counts


def test_without_a_known_commune_the_places_are_listed_by_name(cpam_world, places, logged_in):
    cpam_world.person.commune_code = None
    case = cpam_world.saisine()
    case.commune_code = None
    operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
    db.session.commit()
    html = logged_in(cpam_world.conseiller).get(_url(case, "praticiens")).get_data(as_text=True)
    assert "pas de distance" in html and "\u00a0km" not in html
    assert set(_listed(html)) == {places["near"].id, places["far"].id}
