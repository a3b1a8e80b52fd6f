"""The send form's service picker (server-rendered: « Chercher » re-displays the form), the « Contact
direct » choice followed by the sender, and « Orienter une personne vers ce service » from the directory."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from orientation.directory.models import Capacity
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.referrals.models import Orientation, Reception
from orientation.referrals.queries import PICKER_SIZE
from tests.directory import builders as directory_builders
from tests.referrals import builders as rb
from tests.referrals.test_statement_counts import counting


@pytest.fixture
def picker_world(world):
    """The person lives in Avignon (84007); numérique services nearby and farther, a santé one, a
    « Contact direct » one (no organisation, no e-mail) and one whose organisation takes no orientation."""
    numerique = [rb.THEMATIQUE[Volet.NUMERIQUE]]

    def linked(name, commune, **fields):
        return directory_builders.service(
            name, thematiques=numerique, commune_code=commune, courriel="contact@structure.example.org", **fields
        )

    world.bedarrides = linked("Atelier numérique des Sorgues", "84016", capacity=Capacity.WAITING_LIST)
    world.isle = linked("Cyber-base", "84054")
    world.valreas = linked("Point numérique de l'Enclave", "84138")
    world.sante = directory_builders.service(
        "Bilan de santé", thematiques=[rb.THEMATIQUE[Volet.SANTE]], commune_code="84007", courriel="sante@example.org"
    )
    world.direct = directory_builders.service("Permanence du marché", thematiques=numerique, commune_code="84007")
    world.closed = rb.receiving_service(name="Service fermé aux orientations", accepts_orientations=False)
    return world


def _url(world, **query):
    query = {"personne": world.person.id, **query}
    return "/orientations/nouvelle?" + "&".join(f"{key}={value}" for key, value in query.items())


def _listed(page: str) -> list[str]:
    """The services offered, in order: the labels of the service_id radios."""
    return [
        html.unescape(name) for name in re.findall(r'<label class="fr-label" for="service_id-\d+">([^<—]+?) —', page)
    ]


def _search(client, world, text, **data):
    values = {"need_ids": [world.need.id], "service_search": text, "search": "Chercher", "urgency": "normal"}
    values.update(data)
    return client.submit(_url(world), values)


def test_the_picker_lists_services_that_can_receive_in_the_needs_volet_nearest_first(picker_world, logged_in):
    world = picker_world
    response = logged_in(world.sender).get(_url(world, besoin=world.need.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _listed(page) == [
        "Aide aux démarches",  # Avignon, members
        "Atelier numérique des Sorgues",  # Bédarrides
        "Cyber-base",  # L'Isle-sur-la-Sorgue
        "Point numérique de l'Enclave",  # Valréas
    ]
    assert "Bilan de santé" not in page  # another volet
    assert "Permanence du marché" not in page and "Service fermé" not in page  # « Contact direct »
    assert "Orientation suivie par e-mail" in page and "Orientation suivie</strong>" in page
    assert "Liste d&#39;attente" in page and "délai médian de réponse : non mesuré" in page
    assert "4 services trouvés" in page and 'id="service-picker-status"' in page


def test_the_volet_follows_the_need_chosen(picker_world, logged_in):
    world = picker_world
    sante = rb.need(world.person, Volet.SANTE, user=world.sender)
    page = _search(logged_in(world.sender), world, "", need_ids=[sante.id]).get_data(as_text=True)
    assert _listed(page) == ["Bilan de santé"]
    both = _search(logged_in(world.sender), world, "", need_ids=[sante.id, world.need.id]).get_data(as_text=True)
    assert "Bilan de santé" in _listed(both) and "Cyber-base" in _listed(both)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bédarrides", ["Atelier numérique des Sorgues"]),  # the commune
        ("bedarrides", ["Atelier numérique des Sorgues"]),  # accents and case ignored
        ("L'Isle-sur-la-Sorgue", ["Cyber-base"]),
        ("cyber", ["Cyber-base"]),  # the name
        ("Médiation de test", ["Aide aux démarches"]),  # the structure
        ("", ["Aide aux démarches", "Atelier numérique des Sorgues", "Cyber-base", "Point numérique de l'Enclave"]),
        ("zzzz qqqq", []),
    ],
)
def test_searching_re_displays_the_form_with_the_matching_services(picker_world, logged_in, text, expected):
    world = picker_world
    response = _search(logged_in(world.sender), world, text, message="Message gardé")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _listed(page) == expected
    assert "Message gardé" in page  # what was typed stays
    if not expected:
        assert "Aucun service ne correspond" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Orientation)) == 0  # a search sends nothing


def test_a_long_or_odd_search_is_harmless(picker_world, logged_in):
    world = picker_world
    client = logged_in(world.sender)
    for text in ["é" * 5000, "' OR 1=1 --", "%_\\", "<script>alert(1)</script>", "\x00"]:
        response = _search(client, world, text)
        assert response.status_code in (200, 400)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Orientation)) == 0


def test_the_chosen_service_stays_listed_whatever_the_search(picker_world, logged_in):
    world = picker_world
    page = _search(logged_in(world.sender), world, "Bédarrides", service_id=world.valreas.id).get_data(as_text=True)
    assert _listed(page) == ["Point numérique de l'Enclave", "Atelier numérique des Sorgues"]
    assert f'value="{world.valreas.id}" checked' in page


def test_sending_from_the_picker_to_a_link_service(picker_world, logged_in):
    world = picker_world
    response = logged_in(world.sender).submit(
        _url(world),
        {"need_ids": [world.need.id], "service_id": world.bedarrides.id, "urgency": "normal", "save_draft": "1"},
    )
    assert response.status_code == 302
    orientation = db.session.scalar(sa.select(Orientation))
    assert orientation.reception is Reception.LINK and orientation.receiver_email == "contact@structure.example.org"


def test_a_contact_direct_service_is_followed_by_the_sender_only_when_they_say_so(picker_world, logged_in):
    world = picker_world
    client = logged_in(world.sender)
    page = client.get(_url(world, service=world.direct.id, besoin=world.need.id)).get_data(as_text=True)
    assert _listed(page)[0] == "Permanence du marché" and "Contact direct" in page
    assert "Je contacte moi-même « Permanence du marché » et je suivrai l'orientation" in page
    values = {"need_ids": [world.need.id], "service_id": world.direct.id, "urgency": "normal", "send": "1"}
    refused = client.submit(_url(world), {**values, "message": "À garder"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "ne reçoit pas d&#39;orientation (contact direct)" in text
    assert "À garder" in text and 'name="followed_by_sender"' in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Orientation)) == 0
    # Ticked for another service than the one chosen: not taken as a yes.
    other = client.submit(_url(world), {**values, "followed_by_sender": world.service.id})
    assert other.status_code == 400
    followed = client.submit(_url(world), {**values, "followed_by_sender": world.direct.id})
    assert followed.status_code == 302
    orientation = db.session.scalar(sa.select(Orientation))
    assert orientation.reception is Reception.SENDER and orientation.receiver_organisation_id is None
    assert orientation.sent_at is not None


def test_the_picker_costs_the_same_whatever_the_size_of_the_directory(picker_world, logged_in):
    world = picker_world
    for number in range(PICKER_SIZE):
        rb.receiving_service(rb.builders.organisation(f"Structure {number}"), name=f"Service {number}")
    client = logged_in(world.sender)
    client.get(_url(world))
    with counting() as few:
        client.get(_url(world, service=world.isle.id))
    for number in range(5):
        rb.receiving_service(rb.builders.organisation(f"Autre structure {number}"), name=f"Autre service {number}")
    with counting() as more:
        client.get(_url(world, service=world.isle.id))
    assert len(more) == len(few)


def test_orient_a_person_from_a_directory_service(picker_world, logged_in):
    world = picker_world
    client = logged_in(world.sender)
    service_page = client.get(f"/annuaire/services/{world.isle.id}").get_data(as_text=True)
    assert f"/orientations/nouvelle/personne?service={world.isle.id}" in service_page
    assert "Orienter une personne vers ce service" in service_page
    rb.person(world.sender_org, user=world.sender, first_name="Bruno", last_name="Aubert")
    rb.person(world.receiver_org, user=world.receiver, first_name="Zoé", last_name="Ailleurs")
    page = client.get(f"/orientations/nouvelle/personne?service={world.isle.id}").get_data(as_text=True)
    assert "Durand Lucie" in page and "Aubert Bruno" in page and "Ailleurs" not in page  # own files only
    found = client.get(f"/orientations/nouvelle/personne?service={world.isle.id}&q=durand").get_data(as_text=True)
    assert "Durand Lucie" in found and "Aubert" not in found and "1 personne pour « durand »" in found
    target = f"/orientations/nouvelle?personne={world.person.id}&amp;service={world.isle.id}"
    assert target in found
    form = client.get(target.replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{world.isle.id}" checked' in form
    assert client.get("/orientations/nouvelle/personne?service=999999").status_code == 404
    # Or create the file, and come back to the orientation form with the service chosen.
    assert f"/personnes/nouvelle?service={world.isle.id}" in page
    created = client.submit(
        f"/personnes/nouvelle?service={world.isle.id}",
        {"first_name": "Nina", "last_name": "Nouvelle", "contact_preference": "phone", "phone": "06 11 22 33 44"},
    )
    assert created.status_code == 302
    assert f"service={world.isle.id}" in created.headers["Location"]
    assert created.headers["Location"].startswith("/orientations/nouvelle?personne=")
