"""The directory says how each service is reached — « Orientation suivie » (members), « Orientation suivie
par e-mail » (link), « Contact direct » — everywhere, and its lists keep only services that can receive."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from orientation.directory.queries import SearchParams, list_services_that_can_receive, search_services
from orientation.directory.reach import reach_of
from orientation.extensions import db
from orientation.referrals.queries import list_redirect_choices
from tests.directory import builders
from tests.referrals.test_statement_counts import counting

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"


@pytest.fixture
def reaches(make):
    """One service of each reach, and one whose organisation takes no orientation (contact direct too)."""
    organisation = make.organisation("Fabrique membre")
    members_structure = builders.structure("Fabrique membre", organisation_id=organisation.id)
    members = builders.service(
        "Service des membres", structure_=members_structure, thematiques=[NUMERIQUE], accepts_orientations=True
    )
    closed = builders.service("Service fermé", structure_=members_structure, thematiques=[NUMERIQUE])
    link_structure = builders.structure("Association sans compte", courriel="Accueil@Asso.example.org ")
    link = builders.service("Service par lien", structure_=link_structure, thematiques=[NUMERIQUE])
    direct = builders.service("Service à appeler", thematiques=[NUMERIQUE], telephone="04 90 00 00 00")
    return {"members": members, "link": link, "direct": direct, "closed": closed}


def _badge(page: str, reach: str) -> bool:
    return f'data-reach="{reach}"' in page


def test_the_service_page_tells_how_the_service_is_reached(logged_in, make, reaches):
    client = logged_in(make.agent())
    expected = {
        "members": ("Orientation suivie", "Reçues par Fabrique membre."),
        "link": ("Orientation suivie par e-mail", "Le lien est envoyé à accueil@asso.example.org."),
        "direct": ("Contact direct", "contactez-la par téléphone ou sur place"),
        "closed": ("Contact direct", "contactez-la par téléphone ou sur place"),
    }
    for key, (label, explanation) in expected.items():
        page = client.get(f"/annuaire/services/{reaches[key].id}").get_data(as_text=True)
        reach = reach_of(reaches[key]).reach.value
        assert _badge(page, reach) and f">{label}</p>" in page and explanation in page.replace("&#39;", "'")
        assert "Accepte les orientations" not in page and "<dt>Orientations suivies</dt>" not in page
        assert "Orienter une personne vers ce service" in page  # an agent can orient from any service


def test_search_and_structure_pages_show_the_reach_badge(logged_in, make, reaches):
    client = logged_in(make.agent())
    page = client.get("/annuaire/").get_data(as_text=True)
    assert all(_badge(page, reach) for reach in ("members", "link", "direct"))
    structure = client.get(f"/annuaire/structures/{reaches['members'].structure_id}").get_data(as_text=True)
    assert _badge(structure, "members") and _badge(structure, "direct")


def test_the_orientation_filter_keeps_the_services_that_can_receive(logged_in, make, reaches):
    wanted = ["Service des membres", "Service par lien"]
    found = search_services(SearchParams(accepts_orientations=True))
    assert sorted(hit.service.name for hit in found.items) == wanted
    page = logged_in(make.agent()).get("/annuaire/?orientable=y").get_data(as_text=True)
    assert "2 services trouvés" in page and "Service à appeler" not in page
    assert [s.name for s in list_services_that_can_receive()] == wanted
    assert [s.name for s in list_redirect_choices(reaches["members"].volets.pop())] == wanted


def test_a_page_of_results_reads_every_reach_without_more_statements(reaches):
    for number in range(6):
        builders.service(f"Autre {number}", structure_=reaches["link"].structure, thematiques=[NUMERIQUE])
    db.session.expire_all()
    result = search_services(SearchParams(per_page=20))
    with counting() as statements:
        for hit in result.items:
            reach_of(hit.service)
    assert statements == []
    listed = list_services_that_can_receive()
    with counting() as statements:
        for service in listed:
            reach_of(service)
    assert statements == []


def test_suggested_services_are_those_that_can_receive(logged_in, make, reaches):
    from tests.referrals import builders as rb

    agent = make.agent()
    person = rb.person(agent.memberships[0].organisation, user=agent)
    need = rb.need(person, user=agent)
    page = logged_in(agent).get(f"/personnes/besoins/{need.id}/services").get_data(as_text=True)
    names = re.findall(r'<h2 class="fr-card__title"><a [^>]+>([^<]+)</a>', page)
    assert sorted(names) == ["Service des membres", "Service par lien"]
    assert _badge(page, "members") and _badge(page, "link") and not _badge(page, "direct")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(type(person))) == 1
