"""The person's rights: erasure where allowed (with French refusals), the plain-language sharing sheet, buttons."""

from __future__ import annotations

import json

import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.cpam import operations as cpam_operations
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from orientation.people.models import Consent, Need, Person
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.rgpd.export import collect
from tests.referrals import builders as rb
from tests.rgpd.builders import SECRETS, age


def _manager(world):
    return rb.member(world.sender_org, MembershipRole.MANAGER, first_name="Nadia", last_name="Morel")


def test_erasure_is_refused_while_an_orientation_is_under_way(world, logged_in):
    world.orientation(S.ACCEPTED)
    client = logged_in(_manager(world))
    url = f"/personnes/{world.person.id}/rgpd/effacer"
    page = client.get(url)
    assert page.status_code == 409
    assert "1 orientation(s) en cours" in page.get_data(as_text=True)
    response = client.post(url, data={"confirm": "y"})
    assert response.status_code in (400, 409)
    assert db.session.get(Person, world.person.id).first_name == "Lucie"


def test_erasure_is_refused_while_a_mas_case_is_open(cpam_world, logged_in):
    cpam_world.saisine()
    cpam_world.person.referent_id = cpam_world.detector.id
    db.session.flush()
    page = logged_in(cpam_world.detector).get(f"/personnes/{cpam_world.person.id}/rgpd/effacer")
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "Effacement impossible" in html and "Accompagnement en Santé (CPAM) est ouvert" in html
    assert db.session.get(Person, cpam_world.person.id).anonymised_at is None


def test_a_file_that_fed_no_figure_is_deleted_whole_and_logged(world, logged_in):
    person_id = world.person.id
    manager = _manager(world)
    client = logged_in(manager)
    url = f"/personnes/{person_id}/rgpd/effacer"
    response = client.submit(url, {"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/personnes/")
    db.session.expire_all()
    assert db.session.get(Person, person_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Need).where(Need.person_id == person_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent).where(Consent.person_id == person_id)) == 0
    (erased,) = db.session.scalars(
        sa.select(PersonAccessLog).where(PersonAccessLog.person_id == person_id, PersonAccessLog.action == "erase")
    ).all()
    assert erased.user_id == manager.id and erased.fields == ["deleted"]
    assert client.get(f"/personnes/{person_id}").status_code == 404


def test_erasure_must_be_confirmed(world, logged_in):
    client = logged_in(_manager(world))
    url = f"/personnes/{world.person.id}/rgpd/effacer"
    response = client.submit(url, {})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in response.get_data(as_text=True)
    assert db.session.get(Person, world.person.id) is not None


def test_erasure_waits_for_the_end_of_the_legal_retention_of_a_closed_mas_case(full, logged_in):
    page = logged_in(full.manager).get(f"/personnes/{full.person.id}/rgpd/effacer")
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "Effacement impossible avant le" in html and "12 mois après sa clôture" in html


def test_a_file_with_history_is_anonymised_on_erasure(full, logged_in):
    person_id = full.person.id
    age([person_id], days=400)  # the MAS case closed more than a year ago
    client = logged_in(full.manager)
    response = client.submit(f"/personnes/{person_id}/rgpd/effacer", {"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    assert person.anonymised_at is not None and person.full_name == "Personne anonymisée"
    dump = json.dumps(collect(person_id).sections, default=str)
    for secret in (*SECRETS.values(), "Rosa", "Pereira", "1958-04-02"):
        assert secret not in dump, secret
    page = client.get(f"/personnes/{person_id}/rgpd/effacer")
    assert page.status_code == 409 and "déjà anonymisée" in page.get_data(as_text=True)


def test_only_the_manager_or_the_referent_may_erase(world, logged_in):
    url = f"/personnes/{world.person.id}/rgpd/effacer"
    assert logged_in(world.sender).get(url).status_code == 403  # an agent of the structure, not the référent
    assert logged_in(world.receiver).get(url).status_code == 403
    assert logged_in(world.outsider).get(url).status_code == 403


def test_the_sharing_sheet_says_what_went_to_whom_and_why(world, logged_in):
    orientation = world.orientation(S.ACCEPTED)
    client = logged_in(world.sender)
    page = client.get(f"/personnes/{world.person.id}/rgpd/partage")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Vos informations : qui les a reçues, et pourquoi" in html
    assert f'data-orientation="{orientation.id}"' in html
    assert "Médiation de test" in html and "Aide aux démarches" in html
    assert "Votre nom et votre prénom" in html and "Téléphone" in html and "Commune de résidence" in html
    assert "Adresse e-mail" not in html  # not shared with that orientation
    assert "vous avez dit oui" in html and "CNIL" in html
    assert "rgpd-falc" in html and "data-print" in html
    entry = db.session.scalars(
        sa.select(PersonAccessLog).where(
            PersonAccessLog.person_id == world.person.id, PersonAccessLog.purpose == "rgpd.shared"
        )
    ).one()
    assert entry.user_id == world.sender.id


def test_a_draft_was_shared_with_no_one(world, logged_in):
    world.orientation(S.DRAFT)
    html = logged_in(world.sender).get(f"/personnes/{world.person.id}/rgpd/partage").get_data(as_text=True)
    assert "Personne d'autre n'a reçu vos informations." in html


def test_the_sharing_sheet_names_the_mas(cpam_world, logged_in):
    case = cpam_world.saisine()
    cpam_operations.open_case(case, user=cpam_world.conseiller)
    html = logged_in(cpam_world.detector).get(f"/personnes/{cpam_world.person.id}/rgpd/partage").get_data(as_text=True)
    assert f'data-case="{case.id}"' in html and "CPAM de test" in html and "soins dentaires" in html


def test_person_page_shows_the_buttons_each_user_may_use(world, logged_in):
    url = f"/personnes/{world.person.id}"
    manager_page = logged_in(_manager(world)).get(url).get_data(as_text=True)
    for label in ("Exporter les données", "Ce qui a été partagé", "Effacer", "Journal des accès"):
        assert label in manager_page
    agent_page = logged_in(world.sender).get(url).get_data(as_text=True)
    assert "Exporter les données" in agent_page and "Ce qui a été partagé" in agent_page
    assert "Journal des accès" not in agent_page and f"/personnes/{world.person.id}/rgpd/effacer" not in agent_page
