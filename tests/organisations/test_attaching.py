"""The coordination attaches directory structures to organisations by hand and chooses who receives a
service; a manager sets their services' reception (« Ma structure »)."""

from orientation.directory.reach import Reach, reach_of
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from orientation.referrals.models import ReceiverLink, Reception
from tests.directory import builders as directory_builders
from tests.organisations.builders import link_structure, linked_orientation


def _coordinator(make):
    coordinator = make.user(coordinator=True)
    make.membership(coordinator, make.organisation("Département"), MembershipRole.MANAGER)
    return coordinator


def test_the_coordination_searches_both_sides_attaches_and_detaches(make, logged_in):
    structure = link_structure(siret="12345678901234")
    pending = linked_orientation(structure)
    organisation = make.organisation("Centre communal d'action sociale d'Apt")
    make.organisation("Médiation de Cavaillon")
    coordinator = _coordinator(make)
    db.session.commit()
    coordination = logged_in(coordinator)

    for search in ("Apt (annuaire)", "12345678901234"):
        found = coordination.get(f"/structures/rattachements?structure_q={search}&organisation_q=communal")
        page = found.get_data(as_text=True)
        assert f'value="{structure.id}"' in page and f'value="{organisation.id}"' in page
        assert "Médiation de Cavaillon" not in page
    missing = coordination.submit("/structures/rattachements", {"structure_id": structure.id})
    assert missing.status_code == 400 and "Choisissez une structure partenaire" in missing.get_data(as_text=True)

    attached = coordination.submit(
        "/structures/rattachements", {"structure_id": structure.id, "organisation_id": organisation.id}
    )
    assert attached.status_code == 302
    db.session.expire_all()
    assert structure.organisation_id == organisation.id
    assert reach_of(structure.services[0]).reach is Reach.MEMBERS
    assert pending.reception is Reception.MEMBERS and pending.receiver_organisation_id == organisation.id
    assert db.session.scalar(db.select(ReceiverLink.revoked_at).where(ReceiverLink.orientation_id == pending.id))

    other = make.organisation("Autre structure")
    db.session.commit()
    choice = {"structure_id": structure.id, "organisation_id": other.id}
    again = coordination.submit("/structures/rattachements", choice)
    assert again.status_code == 400 and "détachez-la d&#39;abord" in again.get_data(as_text=True)
    db.session.expire_all()
    assert structure.organisation_id == organisation.id

    detached = coordination.submit(
        f"/structures/rattachements/{structure.id}/detacher", page="/structures/rattachements?structure_q=Apt"
    )
    assert detached.status_code == 302
    db.session.expire_all()
    assert structure.organisation_id is None and reach_of(structure.services[0]).reach is Reach.LINK
    assert pending.receiver_organisation_id == organisation.id  # what the members hold stays with them


def test_the_coordination_chooses_who_receives_a_service(make, logged_in):
    structure = link_structure()
    pending = linked_orientation(structure)
    service = structure.services[0]
    organisation = make.organisation("Plateforme mobilité")
    coordinator = _coordinator(make)
    db.session.commit()
    coordination = logged_in(coordinator)

    assert "Orientation suivie par e-mail" in coordination.get(f"/structures/services/{service.id}/destinataire").text
    url = f"/structures/services/{service.id}/destinataire"
    unknown = coordination.submit(url, {"organisation_id": "999999"})
    assert unknown.status_code == 400
    chosen = coordination.submit(url, {"organisation_id": organisation.id})
    assert chosen.status_code == 302
    db.session.expire_all()
    assert service.receiving_organisation_id == organisation.id
    assert reach_of(service).reach is Reach.MEMBERS and reach_of(service).organisation.id == organisation.id
    assert pending.reception is Reception.MEMBERS and pending.receiver_organisation_id == organisation.id

    back = coordination.submit(url, {"organisation_id": ""})
    assert back.status_code == 302
    db.session.expire_all()
    assert service.receiving_organisation_id is None and reach_of(service).reach is Reach.LINK


def test_only_the_coordination_attaches(make, logged_in):
    structure = link_structure()
    organisation = make.organisation("EDeS")
    manager = make.manager(organisation)
    db.session.commit()
    client = logged_in(manager)
    assert client.get("/structures/rattachements").status_code == 403
    assert client.get("/structures/demandes").status_code == 403
    assert client.get(f"/structures/services/{structure.services[0].id}/destinataire").status_code == 403
    db.session.expire_all()
    assert structure.organisation_id is None


def test_a_manager_sees_how_each_service_is_reached_and_sets_which_accept(make, logged_in):
    organisation = make.organisation("CCAS d'Apt")
    structure = directory_builders.structure(name="CCAS d'Apt (annuaire)", organisation_id=organisation.id)
    accueil = directory_builders.service("Accueil social", structure_=structure, accepts_orientations=True)
    domiciliation = directory_builders.service("Domiciliation", structure_=structure, accepts_orientations=False)
    elsewhere = directory_builders.service("Service d'une autre structure", accepts_orientations=True)
    manager = make.manager(organisation)
    agent = make.agent(organisation)
    db.session.commit()

    client = logged_in(manager)
    assert 'href="/structures/ma-structure"' in client.get("/").get_data(as_text=True)  # the menu entry
    page = client.get("/structures/ma-structure/reception").get_data(as_text=True)
    assert "Accueil social" in page and "Orientation suivie" in page and "Contact direct" in page
    assert f'value="{accueil.id}" checked' in page and f'value="{domiciliation.id}">' in page

    saved = client.submit("/structures/ma-structure/reception", {"accepting": [domiciliation.id]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert not accueil.accepts_orientations and reach_of(accueil).reach is Reach.DIRECT
    assert domiciliation.accepts_orientations and reach_of(domiciliation).reach is Reach.MEMBERS

    # A service of another structure is not theirs to decide: refused, nothing saved.
    foreign = client.submit("/structures/ma-structure/reception", {"accepting": [elsewhere.id, accueil.id]})
    assert foreign.status_code == 400
    db.session.expire_all()
    assert elsewhere.accepts_orientations and not accueil.accepts_orientations

    assert logged_in(agent).get("/structures/ma-structure/reception").status_code == 403
    assert 'href="/structures/ma-structure"' not in logged_in(agent).get("/").get_data(as_text=True)
