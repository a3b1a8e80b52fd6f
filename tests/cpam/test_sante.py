"""Santé beyond the CPAM: a "pas de médecin traitant" need oriented to a centre de santé, closed when declared."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.cpam.models import MedecinTraitantDeclaration
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import OrganisationType
from orientation.people.models import NeedStatus
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome
from tests import builders
from tests.referrals import builders as rb


def _world():
    edes = builders.organisation("EDeS test")
    centre = builders.organisation("Centre de santé départemental de test", type=OrganisationType.CENTRE_SANTE)
    agent, doctor_desk = rb.member(edes), rb.member(centre)
    outsider = rb.member(builders.organisation("Ailleurs"))
    service = rb.receiving_service(centre, Volet.SANTE, name="Consultations sans médecin traitant")
    person = rb.person(edes, user=agent)
    need = rb.need(person, Volet.SANTE, user=agent)  # SANTE_MEDECIN_TRAITANT
    scenario = rb.Scenario(edes, centre, agent, doctor_desk, outsider, person, need, service)
    return scenario


def _declaration(need_id):
    return db.session.scalar(sa.select(MedecinTraitantDeclaration).where(MedecinTraitantDeclaration.need_id == need_id))


def test_the_centre_declares_the_medecin_traitant_and_completes_the_orientation(logged_in):
    world = _world()
    orientation = world.orientation(S.IN_PROGRESS)
    client = logged_in(world.receiver)
    assert f'data-need="{world.need.id}"' in client.get("/sante/medecin-traitant").get_data(as_text=True)
    response = client.submit(
        f"/sante/besoins/{world.need.id}/medecin-traitant-declare", {}, page="/sante/medecin-traitant"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert world.need.status is NeedStatus.MET
    assert orientation.status is S.COMPLETED and orientation.outcome is Outcome.MET
    declaration = _declaration(world.need.id)
    assert declaration.organisation_id == world.receiver_org.id and declaration.orientation_id == orientation.id
    assert declaration.declared_by_id == world.receiver.id


def test_the_persons_structure_declares_it_too(logged_in):
    world = _world()
    client = logged_in(world.sender)
    client.submit(f"/sante/besoins/{world.need.id}/medecin-traitant-declare", {}, page="/sante/medecin-traitant")
    db.session.expire_all()
    assert world.need.status is NeedStatus.MET and _declaration(world.need.id).organisation_id == world.sender_org.id


def test_others_may_not_declare(logged_in):
    world = _world()
    client = logged_in(world.outsider)
    response = client.submit(
        f"/sante/besoins/{world.need.id}/medecin-traitant-declare", {}, page="/sante/medecin-traitant"
    )
    assert response.status_code == 403
    assert _declaration(world.need.id) is None


def test_only_a_medecin_traitant_need_and_only_once(logged_in):
    world = _world()
    other = rb.need(world.person, Volet.NUMERIQUE, user=world.sender)
    client = logged_in(world.sender)
    client.submit(f"/sante/besoins/{other.id}/medecin-traitant-declare", {}, page="/sante/medecin-traitant")
    client.submit(f"/sante/besoins/{world.need.id}/medecin-traitant-declare", {}, page="/sante/medecin-traitant")
    response = client.submit(
        f"/sante/besoins/{world.need.id}/medecin-traitant-declare",
        {},
        page="/sante/medecin-traitant",
        follow_redirects=True,
    )
    assert "déjà clôturé" in response.get_data(as_text=True)
    db.session.expire_all()
    assert other.status is NeedStatus.OPEN and _declaration(other.id) is None
