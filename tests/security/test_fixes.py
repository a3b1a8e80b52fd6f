"""Regression tests for what the attack tests found (each one a 500, a leak of rows or an open redirect)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from orientation.db import MAX_ID, as_id
from orientation.extensions import db
from orientation.forms import NUL_MESSAGE, TOO_LARGE_MESSAGE
from orientation.people.models import Person
from tests import builders
from tests.conftest import FormClient
from tests.security.world import AGENT_EDES, build_world


@pytest.fixture
def world(app):
    return build_world()


def _people() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def test_a_nul_character_is_refused_with_a_message_and_nothing_saved(world, logged_in):
    client = logged_in(world.user(AGENT_EDES))
    before = _people()
    response = client.submit(
        "/personnes/nouvelle", {"first_name": "Lu\x00cie", "last_name": "Nouvelle", "contact_preference": "post"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and NUL_MESSAGE in page
    assert 'value="Lucie"' in page  # what was typed is kept, without the invisible character
    assert _people() == before


def test_a_nul_character_in_a_search_is_no_failure(world, logged_in):
    client = logged_in(world.user(AGENT_EDES))
    assert client.get("/personnes/", query_string={"q": "Dur\x00and"}).status_code == 200
    assert client.get("/annuaire/", query_string={"q": "\x00", "commune": "\x00"}).status_code == 200
    coordinator = logged_in(world.coordinator)
    assert coordinator.get("/structures/", query_string={"q": "ED\x00eS"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/personnes/{id}",
        "/orientations/{id}",
        "/cpam/dossiers/{id}",
        "/annuaire/services/{id}",
        "/structures/{id}/membres",
    ],
)
@pytest.mark.parametrize("number", [MAX_ID + 1, 2**63, 10**30])
def test_ids_past_the_key_range_are_not_found(world, logged_in, path, number):
    client = logged_in(world.coordinator)
    assert client.get(path.format(id=number)).status_code == 404


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "1.0", " 1"])
def test_ids_in_query_strings_and_forms_are_checked(world, logged_in, value):
    client = logged_in(world.user(AGENT_EDES))
    person = world.own.ids["person_id"]
    assert client.get("/orientations/nouvelle", query_string={"personne": value}).status_code == 404
    assert client.get("/orientations/nouvelle", query_string={"personne": person, "service": value}).status_code == 200
    assert client.get("/cpam/saisine", query_string={"personne": value}).status_code == 200
    assert client.submit("/organisation-courante", {"membership_id": value}, page="/").status_code == 400
    response = client.submit(
        f"/orientations/nouvelle?personne={person}",
        {"service_id": value, "need_ids": world.own.ids["need_id"], "urgency": "normal"},
    )
    assert response.status_code == 400


def test_as_id():
    assert as_id("12") == 12 and as_id(7) == 7
    assert [as_id(v) for v in ("", None, "0", "²", "٣", "-3", str(MAX_ID + 1), "1e3")] == [None] * 8


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "https://evil.example/", "\\\\evil"])
def test_declaring_a_medecin_traitant_never_redirects_off_site(world, logged_in, target):
    client = logged_in(world.user(AGENT_EDES))
    response = client.submit(
        f"/sante/besoins/{world.own.ids['sante_need_id']}/medecin-traitant-declare",
        {"next_url": target},
        page="/sante/medecin-traitant",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/sante/medecin-traitant"


def test_a_service_form_posted_without_its_fields_is_shown_again(world, logged_in):
    client = logged_in(world.user("responsable"))
    url = f"/annuaire/services/{world.own.ids['service_id']}/modifier"
    response = client.submit(url, {})  # no field at all: the zones come from the service itself
    assert response.status_code == 400 and 'id="error-summary"' in response.get_data(as_text=True)


def test_huge_numbers_are_refused_with_a_message(world, logged_in):
    client = logged_in(world.user("responsable"))
    url = f"/annuaire/services/{world.own.ids['service_id']}/modifier"
    response = client.submit(url, {"name": "Accueil", "description": "Accueil social", "expiry_days": "9" * 400})
    assert response.status_code == 400 and TOO_LARGE_MESSAGE in response.get_data(as_text=True)
    assert client.get("/annuaire/", query_string={"page": "9" * 400, "distance": "9" * 400}).status_code == 200


@pytest.mark.parametrize("code", ["²²²²²²", "١٢٣٤٥٦", "１２３４５６"])
def test_second_factor_codes_in_other_digits_are_refused_not_a_failure(world, app, code):
    """str.isdigit() takes "²" and "٣" for digits; the TOTP comparison only takes ASCII (was a 500)."""
    user = world.user(AGENT_EDES)
    builders.totp(user)
    db.session.commit()
    client = FormClient(app.test_client())
    assert client.submit("/connexion", {"email": user.email, "password": builders.PASSWORD}).status_code == 302
    response = client.submit("/connexion/code", {"code": code})
    assert response.status_code == 401 and "Code incorrect" in response.get_data(as_text=True)
    enrolling = FormClient(app.test_client())
    enrolling.login(world.user("mediateur").email)
    page = "/compte/securite/double-authentification"
    assert enrolling.submit(page, {"code": code}).status_code == 400
