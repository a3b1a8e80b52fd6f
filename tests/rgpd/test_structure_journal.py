"""The structure's journal: its manager sees every access to the files it keeps, filters it and exports it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from orientation import clock
from orientation.organisations.models import MembershipRole
from tests.referrals import builders as rb

URL = "/journal-des-acces/"


def _table(html: str) -> str:
    return html.split("<tbody>")[1].split("</tbody>")[0]


def _entries(html: str) -> int:
    return _table(html).count('href="/personnes/')


def test_the_manager_sees_accesses_to_the_structures_files_including_the_receivers(world, logged_in, logged_in_from):
    orientation = world.orientation()
    logged_in_from(world.receiver, "10.84.1.20").get(f"/orientations/{orientation.id}")
    elsewhere = rb.person(world.receiver_org, first_name="Hors", last_name="Champ")  # kept by another structure
    manager = rb.member(world.sender_org, MembershipRole.MANAGER, first_name="Nadia", last_name="Morel")

    page = logged_in(manager).get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Journal des accès aux fiches de" in html and world.sender_org.name in html
    assert "filtre ignoré" not in html  # no filter asked, none refused
    assert f'href="/personnes/{world.person.id}"' in html
    assert f'href="/personnes/{elsewhere.id}"' not in html
    assert "10.84.1.20" in html and world.receiver_org.name in html
    assert "Autre structure" in html
    assert "06 12 34 56 78" not in html and "Durand" not in html  # no contact detail, no name

    outside = logged_in(manager).get(URL + "?hors_structure=y").get_data(as_text=True)
    assert "10.84.1.20" in outside
    assert _entries(outside) < _entries(html)
    # The file's creation was made by the structure itself; the receiver only created, by opening the
    # orientation, the « Reçue » step of its history.
    created = [row for row in _table(outside).split("</tr>") if "Création" in row]
    assert created and all("Historique des orientations" in row for row in created)


def test_only_the_manager_of_the_structure_acted_for_reads_it(world, logged_in):
    assert logged_in(world.sender).get(URL).status_code == 403  # an agent
    assert logged_in(world.receiver).get(URL + "journal.csv").status_code == 403
    receiver_manager = rb.member(world.receiver_org, MembershipRole.MANAGER)
    html = logged_in(receiver_manager).get(URL).get_data(as_text=True)
    assert f'href="/personnes/{world.person.id}"' not in html  # not a file of theirs
    sender_manager = rb.member(world.sender_org, MembershipRole.MANAGER)
    home = logged_in(sender_manager).get("/").get_data(as_text=True)
    assert 'href="/journal-des-acces/"' in home
    assert 'href="/journal-des-acces/"' not in logged_in(world.sender).get("/").get_data(as_text=True)


def test_filters_by_agent_action_and_period_with_notices_for_unusable_values(world, logged_in):
    manager = rb.member(world.sender_org, MembershipRole.MANAGER)
    colleague = rb.member(world.sender_org, first_name="Paul", last_name="Vidal")
    with clock.frozen(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)):
        logged_in(colleague).get(f"/personnes/{world.person.id}")
    client = logged_in(manager)

    everyone = client.get(URL).get_data(as_text=True)
    assert "Vidal Paul" in everyone  # offered in the "Par" filter
    by_paul = client.get(URL + f"?par={colleague.id}").get_data(as_text=True)
    paul_reads = _entries(by_paul)
    assert paul_reads >= 1 and _table(by_paul).count("Paul Vidal") == paul_reads
    reads = client.get(URL + "?action=read").get_data(as_text=True)
    assert "Création" not in _table(reads) and _entries(reads) >= 1
    march = client.get(URL + "?du=2026-03-10&au=2026-03-10").get_data(as_text=True)
    assert _entries(march) == paul_reads and _table(march).count("Paul Vidal") == paul_reads
    reversed_period = client.get(URL + "?du=2026-03-31&au=2026-03-01").get_data(as_text=True)
    assert "remise dans l&#39;ordre" in reversed_period and _entries(reversed_period) == paul_reads
    assert _entries(client.get(URL + "?du=2026-03-11&au=2026-03-31").get_data(as_text=True)) == 0

    unusable = client.get(URL + "?par=999999&action=pirater&du=31/02/2026")
    assert unusable.status_code == 200
    text = unusable.get_data(as_text=True)
    assert "« Par » : valeur inconnue, filtre ignoré." in text
    assert "« Action » : valeur inconnue, filtre ignoré." in text
    assert "« Du » : date illisible, filtre ignoré." in text
    assert _entries(text) == _entries(everyone)


def test_pages_of_one_hundred_and_a_page_out_of_range_is_the_last(world, logged_in, app):
    manager = rb.member(world.sender_org, MembershipRole.MANAGER)
    reader = logged_in(world.sender)
    for _ in range(105):
        reader.get(f"/personnes/{world.person.id}")
    client = logged_in(manager)
    first = client.get(URL).get_data(as_text=True)
    assert _entries(first) == 100 and "page 1 sur 2" in first and "Page suivante" in first
    last = client.get(URL + "?page=99").get_data(as_text=True)
    assert "page 2 sur 2" in last and 0 < _entries(last) < 100


def test_csv_holds_the_filtered_entries_with_the_file_number_and_no_value(world, logged_in):
    manager = rb.member(world.sender_org, MembershipRole.MANAGER)
    orientation = world.orientation()
    logged_in(world.receiver).get(f"/orientations/{orientation.id}")
    response = logged_in(manager).get(URL + "journal.csv?hors_structure=y")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows and {row["Fiche n°"] for row in rows} == {str(world.person.id)}
    assert {row["Pour la structure"] for row in rows} == {world.receiver_org.name}
    assert "06 12 34 56 78" not in text and "Durand" not in text
