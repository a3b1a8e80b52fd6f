"""The MAS queue and a partner's « Signalements santé »: paged with paging.Page, searched with `?q=` (name,
commune, sender; accents and case ignored); a search shows nothing the list would not."""

from __future__ import annotations

from orientation.cpam import queries
from tests.referrals import builders as rb


def _cases(html: str) -> set[str]:
    return {part.split('"', 1)[0] for part in html.split('data-case="')[1:]}


def _case_for(world, first_name: str, last_name: str, commune_code: str = "84035", organisation=None, by=None):
    organisation = organisation or world.detector_org
    person = rb.person(
        organisation,
        user=by or world.detector,
        consent=False,
        first_name=first_name,
        last_name=last_name,
        commune_code=commune_code,
    )
    return world.saisine(person, by=by, organisation=organisation)


def test_the_queue_pages_and_clamps(cpam_world, logged_in, monkeypatch):
    world = cpam_world
    made = [_case_for(world, f"Prénom{number}", "Zola") for number in range(5)]
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    client = logged_in(world.conseiller)
    pages = [_cases(client.get(f"/cpam/file?page={number}").get_data(as_text=True)) for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1] and set().union(*pages) == {str(case.id) for case in made}
    beyond = client.get("/cpam/file?page=40").get_data(as_text=True)
    assert "5 dossiers — page 3 sur 3" in beyond and _cases(beyond) == pages[2]


def test_the_queue_searches_names_communes_and_senders(cpam_world, logged_in):
    world = cpam_world
    wanted = _case_for(world, "Hélène", "Bérard", commune_code="84007")  # Avignon
    other = _case_for(world, "Paul", "Martin")
    client = logged_in(world.conseiller)
    found = client.get("/cpam/file?q=berard").get_data(as_text=True)
    assert _cases(found) == {str(wanted.id)} and "1 dossier pour « berard »" in found
    assert _cases(client.get("/cpam/file?q=AVIGNON").get_data(as_text=True)) == {str(wanted.id)}
    assert _cases(client.get("/cpam/file?q=ccas+martin").get_data(as_text=True)) == {str(other.id)}
    assert 'id="queue-results-status"' in found and 'aria-live="polite"' in found


def test_a_partner_search_finds_only_its_own_reports(cpam_world, logged_in):
    world = cpam_world
    mine = _case_for(world, "Rose", "Lambert")
    theirs = _case_for(world, "Rose", "Lambert", organisation=world.other_org, by=world.other_detector)
    found = logged_in(world.detector).get("/cpam/signalements?q=lambert").get_data(as_text=True)
    assert _cases(found) == {str(mine.id)} and str(theirs.id) not in _cases(found)
    assert _cases(logged_in(world.other_detector).get("/cpam/signalements?q=lambert").get_data(as_text=True)) == {
        str(theirs.id)
    }


def test_the_saisine_finds_a_file_of_the_structure_only(cpam_world, logged_in):
    world = cpam_world
    rb.person(world.other_org, user=world.other_detector, consent=False, first_name="Nina", last_name="Autre")
    page = logged_in(world.detector).get("/cpam/saisine?q=pereira").get_data(as_text=True)
    assert "Signaler Pereira Rosa" in page and "1 personne pour « pereira »" in page
    page = logged_in(world.detector).get("/cpam/saisine?q=autre").get_data(as_text=True)
    assert "Nina" not in page and "0 personne pour « autre »" in page
