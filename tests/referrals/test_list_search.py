"""The inbox, the sent list and the coordination's list of links: paged with paging.Page, searched with
`?q=` (accents and case ignored), a search never showing what the list would not, in a constant number
of statements."""

from __future__ import annotations

from orientation.people import operations as people_operations
from orientation.referrals import links
from orientation.referrals.lifecycle import OrientationStatus as S
from tests.referrals import builders as rb
from tests.referrals.test_statement_counts import counting


def _orientation_for(world, first_name: str, last_name: str, status: S = S.SENT):
    """An orientation of another person of the sender's files, to the world's service."""
    person = rb.person(world.sender_org, user=world.sender, first_name=first_name, last_name=last_name)
    need = rb.need(person, user=world.sender)
    kept = world.person, world.need
    world.person, world.need = person, need
    try:
        return world.orientation(status)
    finally:
        world.person, world.need = kept


def _rows(html: str) -> set[str]:
    return {part.split('"', 1)[0] for part in html.split('data-orientation="')[1:]}


def test_the_inbox_pages_and_clamps_beyond_the_last_page(world, logged_in):
    for number in range(23):
        _orientation_for(world, f"Prénom{number:02d}", "Zola")
    receiver = logged_in(world.receiver)
    first = receiver.get("/orientations/recues").get_data(as_text=True)
    second = receiver.get("/orientations/recues?page=2").get_data(as_text=True)
    assert "23 orientations — page 1 sur 2" in first and "Page suivante" in first
    assert "23 orientations — page 2 sur 2" in second and "Page précédente" in second
    assert len(_rows(first)) == 20 and len(_rows(second)) == 3 and not _rows(first) & _rows(second)
    beyond = receiver.get("/orientations/recues?page=99").get_data(as_text=True)
    assert "page 2 sur 2" in beyond and _rows(beyond) == _rows(second)
    assert "page 1 sur 2" in receiver.get("/orientations/recues?page=abc").get_data(as_text=True)


def test_the_inbox_search_finds_names_accents_ignored_and_keeps_the_search_in_the_pages(world, logged_in):
    wanted = _orientation_for(world, "Hélène", "Bérard")
    _orientation_for(world, "Paul", "Martin")
    receiver = logged_in(world.receiver)
    page = receiver.get("/orientations/recues?q=helene+BERA").get_data(as_text=True)
    assert _rows(page) == {str(wanted.id)} and "1 orientation pour « helene BERA »" in page
    assert 'aria-live="polite"' in page and 'id="inbox-results"' in page
    by_service = receiver.get("/orientations/recues?q=demarches").get_data(as_text=True)
    assert str(wanted.id) in _rows(by_service) and len(_rows(by_service)) == 2  # both go to « Aide aux démarches »
    assert "Aucune orientation dans cet onglet pour « zzz »" in receiver.get("/orientations/recues?q=zzz").get_data(
        as_text=True
    )
    assert "q=helene" in receiver.get("/orientations/recues?q=helene&onglet=en-cours").get_data(as_text=True)


def test_an_inbox_search_never_reveals_a_withdrawn_name_nor_another_structure(world, logged_in):
    withdrawn = _orientation_for(world, "Ginette", "Secret", S.ACCEPTED)
    people_operations.withdraw_consent(withdrawn.consent, user=world.sender)
    receiver = logged_in(world.receiver)
    closed = receiver.get("/orientations/recues?onglet=terminees").get_data(as_text=True)
    assert str(withdrawn.id) in _rows(closed)  # listed, its name hidden…
    found = receiver.get("/orientations/recues?onglet=terminees&q=secret").get_data(as_text=True)
    assert _rows(found) == set() and "Ginette" not in found  # …and no search finds it by that name
    # The sender still finds their own file by name.
    sent = logged_in(world.sender).get("/orientations/envoyees?q=secret").get_data(as_text=True)
    assert _rows(sent) == {str(withdrawn.id)}
    # Another structure's member: nothing, whatever the search.
    other = world.outsider
    assert _rows(logged_in(other).get("/orientations/recues?q=durand").get_data(as_text=True)) == set()
    assert _rows(logged_in(other).get("/orientations/envoyees?q=durand").get_data(as_text=True)) == set()


def test_the_sent_list_searches_and_pages(world, logged_in):
    for number in range(21):
        _orientation_for(world, f"Prénom{number:02d}", "Zola")
    wanted = _orientation_for(world, "Éloïse", "Nguyen")
    sender = logged_in(world.sender)
    first = sender.get("/orientations/envoyees").get_data(as_text=True)
    assert "22 orientations — page 1 sur 2" in first and len(_rows(first)) == 20
    second = sender.get("/orientations/envoyees?page=2").get_data(as_text=True)
    assert len(_rows(second)) == 2 and not _rows(first) & _rows(second)
    found = sender.get("/orientations/envoyees?q=eloise").get_data(as_text=True)
    assert _rows(found) == {str(wanted.id)} and "1 orientation pour « eloise »" in found
    zola = sender.get("/orientations/envoyees?q=zola&page=2").get_data(as_text=True)
    assert "21 orientations pour « zola » — page 2 sur 2" in zola and "q=zola" in zola


def test_the_coordination_pages_and_searches_the_live_links(link_world, logged_in, monkeypatch):
    world = link_world
    made = [world.orientation(S.SENT) for _ in range(3)]
    for orientation in made:
        links.issue_link(orientation)
    coordinator = rb.member(world.sender_org, coordinator=True)
    monkeypatch.setattr(links, "LINKS_PAGE", 2)
    client = logged_in(coordinator)
    total = links.live_links_page().total
    assert total >= 3
    first = client.get("/orientations/liens").get_data(as_text=True)
    last = client.get("/orientations/liens?page=999").get_data(as_text=True)
    pages = (total + 1) // 2
    assert f"page 1 sur {pages}" in first and f"page {pages} sur {pages}" in last
    found = client.get(f"/orientations/liens?q={made[1].id}").get_data(as_text=True)
    assert f"n° {made[1].id}" in found and f"n° {made[0].id}</td>" not in found
    assert "Aucun lien en cours pour « zzz »" in client.get("/orientations/liens?q=zzz").get_data(as_text=True)


def test_a_searched_inbox_takes_as_many_statements_for_3_as_for_30(logged_in):
    def measure(count):
        world = rb.scenario()
        for number in range(count):
            _orientation_for(world, f"Prénom{number:02d}", "Zola")
        receiver = logged_in(world.receiver)
        with counting() as statements:
            assert receiver.get("/orientations/recues?q=zola").status_code == 200
        return len(statements)

    assert measure(3) == measure(30)
