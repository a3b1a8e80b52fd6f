"""« Ma structure »: the manager's one place — details, services, members, reception, API — for the structure
they act for, and only that one; « Ma structure » and « Membres » in the « Gestion » menu for managers."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from orientation.audit.models import SecurityEvent, SecurityEventKind
from orientation.audit.security_display import describe
from orientation.directory.models import Structure
from orientation.extensions import db
from orientation.notifications.models import DeliveryMode, EventKind
from orientation.notifications.preferences import set_choices
from orientation.organisations.models import MembershipRole
from tests.directory import builders as directory_builders

TABS = (
    "/structures/ma-structure",
    "/structures/ma-structure/services",
    "/structures/ma-structure/membres",
    "/structures/ma-structure/reception",
    "/structure/api/",
)
DETAILS = {
    "name": "CCAS d'Apt",
    "siret": "213 400 034 00011",
    "description": "Accueil, domiciliation, aides facultatives.",
    "adresse": "12 place Gabriel Péri",
    "code_postal": "84400",
    "commune_name": "Apt",
    "telephone": "04 90 74 00 00",
    "courriel": "accueil@ccas-apt.fr",
    "site_web": "https://www.ccas-apt.fr",
    "hours_mo_1_start": "8:30",
    "hours_mo_1_end": "12:00",
    "hours_mo_2_start": "13 h 30",
    "hours_mo_2_end": "17:00",
    "hours_public_holidays": "closed",
}


@pytest.fixture
def structure_world(make):
    organisation = make.organisation("CCAS d'Apt")
    structure = directory_builders.structure(name="CCAS d'Apt (annuaire)", organisation_id=organisation.id)
    directory_builders.service("Accueil social", structure_=structure, accepts_orientations=True)
    directory_builders.service("Domiciliation", structure_=structure, accepts_orientations=False)
    other = directory_builders.structure(name="Autre structure (annuaire)", organisation_id=make.organisation().id)
    manager = make.manager(organisation, first_name="Nadia", last_name="Responsable")
    agent = make.agent(organisation, first_name="Camille", last_name="Agent")
    db.session.commit()
    return organisation, structure, other, manager, agent


def _nav(page: str) -> str:
    return re.search(r'<nav class="fr-nav".*?</nav>', page, re.S).group(0)


def _current(nav: str) -> list[str]:
    return re.findall(r'href="([^"]+)"\s+aria-current="page"', nav)


def test_a_manager_edits_their_structure_details_and_the_change_is_journalled(structure_world, logged_in):
    organisation, structure, _other, manager, _agent = structure_world
    client = logged_in(manager)
    page = html.unescape(client.get("/structures/ma-structure").get_data(as_text=True))
    assert "Fiche de l'annuaire : CCAS d'Apt (annuaire)" in page and "Lundi" in page  # the hours, day by day

    saved = client.submit("/structures/ma-structure", DETAILS)
    assert saved.status_code == 302 and saved.location.endswith(f"/structures/ma-structure?fiche={structure.id}")
    assert "La fiche « CCAS d'Apt » est enregistrée." in html.unescape(
        client.get(saved.location).get_data(as_text=True)
    )
    db.session.expire_all()
    assert (structure.name, structure.siret, structure.telephone) == ("CCAS d'Apt", "21340003400011", "04 90 74 00 00")
    assert structure.site_web == "https://www.ccas-apt.fr" and structure.commune_name == "Apt"
    assert structure.horaires_accueil == "Mo 08:30-12:00,13:30-17:00; PH off"
    (event,) = db.session.scalars(
        sa.select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.STRUCTURE_EDITED.value)
    ).all()
    assert event.organisation_id == organisation.id and event.user_id is None
    assert "téléphone" in describe(event) and "horaires" in describe(event) and "telephone" not in describe(event)
    # The hours are shown again in the day-by-day fields.
    assert 'value="08:30"' in client.get("/structures/ma-structure").get_data(as_text=True)


def test_bad_details_are_shown_again_with_french_messages(structure_world, logged_in):
    _organisation, structure, _other, manager, _agent = structure_world
    client = logged_in(manager)
    refused = client.submit(
        "/structures/ma-structure",
        {**DETAILS, "siret": "123", "courriel": "pas-une-adresse", "hours_mo_1_end": "7:00"},
    )
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "Le SIRET compte 14 chiffres." in page and "Saisissez une adresse e-mail valide" in page
    assert "La fermeture doit suivre l'ouverture." in page
    assert 'value="pas-une-adresse"' in page and 'value="04 90 74 00 00"' in page  # what was typed
    db.session.expire_all()
    assert structure.name == "CCAS d'Apt (annuaire)"
    assert not db.session.scalars(sa.select(SecurityEvent.id).where(SecurityEvent.kind == "structure_edited")).all()
    no_csrf = client.client.post("/structures/ma-structure", data=DETAILS)
    assert no_csrf.status_code == 400
    db.session.expire_all()
    assert structure.name == "CCAS d'Apt (annuaire)"


def test_a_manager_edits_only_their_own_structure(structure_world, logged_in, make):
    _organisation, structure, other, manager, _agent = structure_world
    client = logged_in(manager)
    assert client.get(f"/structures/ma-structure?fiche={other.id}").status_code == 404
    assert (
        client.submit(
            f"/structures/ma-structure?fiche={other.id}", DETAILS, page="/structures/ma-structure"
        ).status_code
        == 404
    )
    assert client.get(f"/annuaire/structures/{other.id}/modifier").status_code == 403
    assert (
        client.submit(f"/annuaire/structures/{other.id}/modifier", DETAILS, page="/structures/ma-structure").status_code
        == 403
    )
    # Their own entry, from the directory's page too (it used to refuse them).
    own = client.get(f"/annuaire/structures/{structure.id}").get_data(as_text=True)
    assert f'href="/annuaire/structures/{structure.id}/modifier"' in own
    assert client.get(f"/annuaire/structures/{structure.id}/modifier").status_code == 200
    assert f"/annuaire/structures/{other.id}/modifier" not in client.get(f"/annuaire/structures/{other.id}").get_data(
        as_text=True
    )
    # The coordination keeps its right on every entry.
    coordinator = logged_in(make.manager(coordinator=True))
    done = coordinator.submit(f"/annuaire/structures/{other.id}/modifier", {**DETAILS, "name": "Nom corrigé"})
    assert done.status_code == 302 and done.location.endswith(f"/annuaire/structures/{other.id}")
    db.session.expire_all()
    assert db.session.get(Structure, other.id).name == "Nom corrigé"


def test_every_tab_opens_for_the_manager_and_none_for_an_agent(structure_world, logged_in):
    _organisation, _structure, _other, manager, agent = structure_world
    client, plain = logged_in(manager), logged_in(agent)
    for path in TABS:
        page = client.get(path)
        assert page.status_code == 200, path
        side_menu = re.search(r'<nav class="fr-sidemenu".*?</nav>', page.get_data(as_text=True), re.S).group(0)
        assert len(re.findall(r'aria-current="page"', side_menu)) == 1 and f'href="{path}"' in side_menu
        assert plain.get(path).status_code == 403, path
    services = html.unescape(client.get("/structures/ma-structure/services").get_data(as_text=True))
    assert "Accueil social" in services and "Ajouter un service" in services and "À vérifier" in services


def test_the_menu_offers_ma_structure_and_membres_to_managers_only(structure_world, logged_in):
    _organisation, _structure, _other, manager, agent = structure_world
    client = logged_in(manager)
    nav = _nav(client.get("/").get_data(as_text=True))
    assert 'href="/structures/ma-structure"' in nav and 'href="/structures/ma-structure/membres"' in nav
    assert _current(_nav(client.get("/structures/ma-structure/membres").get_data(as_text=True))) == [
        "/structures/ma-structure/membres"
    ]
    for path in ("/structures/ma-structure", "/structures/ma-structure/services", "/structures/ma-structure/reception"):
        assert _current(_nav(client.get(path).get_data(as_text=True))) == ["/structures/ma-structure"], path
    agent_nav = _nav(logged_in(agent).get("/").get_data(as_text=True))
    assert "ma-structure" not in agent_nav and "Membres" not in agent_nav


def test_members_tab_invites_and_comes_back_to_itself(structure_world, logged_in, outbox):
    organisation, _structure, _other, manager, agent = structure_world
    client = logged_in(manager)
    page = html.unescape(client.get("/structures/ma-structure/membres").get_data(as_text=True))
    assert "Camille Agent" in page and "Inviter un·e collègue" in page
    sent = client.submit("/structures/ma-structure/membres", {"email": "nouvelle@ccas-apt.fr", "role": "agent"})
    assert sent.status_code == 302 and sent.location.endswith("/structures/ma-structure/membres")
    refused = client.submit("/structures/ma-structure/membres", {"email": "pas-une-adresse", "role": "agent"})
    assert refused.status_code == 400 and "pas-une-adresse" in refused.get_data(as_text=True)
    membership = next(m for m in agent.memberships if m.organisation_id == organisation.id)
    changed = client.submit(
        f"/structures/membres/{membership.id}/role", {"role": "manager"}, page="/structures/ma-structure/membres"
    )
    assert changed.location.endswith("/structures/ma-structure/membres")


def test_reception_sets_services_and_the_digest_and_says_who_is_told(structure_world, logged_in):
    organisation, structure, _other, manager, agent = structure_world
    set_choices(agent.id, {EventKind.ORIENTATION_RECEIVED: DeliveryMode.DIGEST})
    db.session.commit()
    client = logged_in(manager)
    page = html.unescape(client.get("/structures/ma-structure/reception").get_data(as_text=True))
    rows = re.findall(r"<tr><td>([^<]+)</td><td>[^<]+</td><td>([^<]+)</td></tr>", page)
    assert ("Nadia Responsable", "Un e-mail à chaque fois") in rows and (
        "Camille Agent",
        "Un récapitulatif par jour",
    ) in rows

    domiciliation = next(s for s in structure.services if s.name == "Domiciliation")
    saved = client.submit(
        "/structures/ma-structure/reception", {"accepting": [domiciliation.id], "notification_digest": "y"}
    )
    assert saved.status_code == 302 and saved.location.endswith("/structures/ma-structure/reception")
    db.session.expire_all()
    assert organisation.notification_digest and domiciliation.accepts_orientations
    (event,) = db.session.scalars(
        sa.select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.RECEPTION_CHANGED.value)
    ).all()
    text = describe(event)
    assert "accepte les orientations suivies : Domiciliation" in text and "Accueil social" in text
    assert "un récapitulatif par jour" in text


def test_a_user_managing_several_structures_chooses_which(structure_world, logged_in, make):
    organisation, _structure, _other, manager, _agent = structure_world
    second = make.organisation("Épicerie solidaire")
    make.membership(manager, second, MembershipRole.MANAGER)
    elsewhere = make.organisation("Maison France Services")
    make.membership(manager, elsewhere, MembershipRole.AGENT)
    db.session.commit()
    client = logged_in(manager)
    page = html.unescape(client.get("/structures/ma-structure").get_data(as_text=True))
    assert "Passer à Épicerie solidaire" in page and "Passer à Maison France Services" not in page
    membership_id = next(m.id for m in manager.memberships if m.organisation_id == second.id)
    client.submit(
        "/organisation-courante",
        {"membership_id": membership_id},
        page="/structures/ma-structure",
        headers={"Referer": "http://localhost/structures/ma-structure/membres"},
    )
    members = html.unescape(client.get("/structures/ma-structure/membres").get_data(as_text=True))
    assert "Membres d'Épicerie solidaire" in members or "Membres de l'Épicerie solidaire" in members
    # Acting for a structure they do not manage: the page offers those they manage.
    acting_id = next(m.id for m in manager.memberships if m.organisation_id == elsewhere.id)
    client.submit("/organisation-courante", {"membership_id": acting_id}, page="/")
    choose = html.unescape(client.get("/structures/ma-structure/reception").get_data(as_text=True))
    assert "Gérer CCAS d'Apt" in choose and "Gérer Épicerie solidaire" in choose
    assert organisation.name in choose
