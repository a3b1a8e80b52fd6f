"""The navigation bar: each role's entries, the management pages grouped in one menu, the current page marked."""

from __future__ import annotations

import re

from orientation.organisations.models import OrganisationType

NAV_RE = re.compile(r'<nav class="fr-nav".*?</nav>', re.S)


def _nav(client, path: str = "/") -> str:
    return NAV_RE.search(client.get(path).get_data(as_text=True)).group(0)


def _current(nav: str) -> list[str]:
    return re.findall(r'href="([^"]+)"\s+aria-current="page"', nav)


def test_management_pages_are_grouped_per_role(make, logged_in):
    coordinator = make.user(
        coordinator=True,
        organisation=make.organisation(type=OrganisationType.DEPARTEMENT),
        role=make.MembershipRole.MANAGER,
    )
    nav = _nav(logged_in(coordinator))
    menu = nav.split('class="fr-nav__btn"')[1]
    assert menu.split("</button>")[0].strip().endswith("Gestion")
    management = (
        "/structures/",
        "/notifications/echecs",
        "/securite/journal",
        "/structure/api/",
        "/journal-des-acces/",
    )
    for path in management:
        assert f'href="{path}"' in menu, path

    manager_menu = _nav(logged_in(make.manager()))
    assert 'href="/structure/api/"' in manager_menu and 'href="/journal-des-acces/"' in manager_menu
    assert 'href="/securite/journal"' not in manager_menu and 'href="/structures/"' not in manager_menu
    agent_nav = _nav(logged_in(make.agent()))
    assert "fr-nav__btn" not in agent_nav and 'href="/personnes/"' in agent_nav


def test_the_current_page_or_its_area_is_marked_and_account_pages_mark_nothing(make, logged_in):
    coordinator = make.user(
        coordinator=True,
        organisation=make.organisation(type=OrganisationType.DEPARTEMENT),
        role=make.MembershipRole.MANAGER,
    )
    client = logged_in(coordinator)
    assert _current(_nav(client, "/securite/journal")) == ["/securite/journal"]
    assert 'aria-current="true"' in _nav(client, "/securite/journal")  # the menu holding it
    assert _current(_nav(client, "/compte/securite")) == []
    agent = logged_in(make.agent())
    assert _current(_nav(agent, "/personnes/nouvelle")) == ["/personnes/"]


def test_an_orientation_is_under_sent_for_its_sender_and_received_for_its_receiver(logged_in):
    from tests.referrals import builders as rb

    world = rb.scenario()
    orientation = world.orientation()
    sender = logged_in(world.sender)
    assert _current(_nav(sender, f"/orientations/{orientation.id}")) == ["/orientations/envoyees"]
    assert _current(_nav(sender, f"/orientations/nouvelle?personne={world.person.id}")) == ["/orientations/envoyees"]
    receiver = logged_in(world.receiver)
    assert _current(_nav(receiver, f"/orientations/{orientation.id}")) == ["/orientations/recues"]
