"""The journal of a file: for the structure's managers and the person's référent·e; CSV export."""

from __future__ import annotations

import csv
import io

from orientation.organisations.models import MembershipRole
from orientation.people import operations as people_operations
from tests.referrals import builders as rb


def test_the_manager_reads_the_journal_with_who_what_and_from_where(world, logged_in, logged_in_from):
    logged_in_from(world.sender, "10.84.0.9").get(f"/personnes/{world.person.id}")
    manager = rb.member(world.sender_org, MembershipRole.MANAGER, first_name="Nadia", last_name="Morel")
    page = logged_in(manager).get(f"/personnes/{world.person.id}/rgpd/journal")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Journal des accès et des modifications" in html
    assert "Camille Roux" in html and "10.84.0.9" in html and "Consultation" in html
    assert "Création" in html and "Fiche de la personne" in html  # the file's creation, logged by the hook


def test_the_referent_reads_the_journal_other_agents_do_not(world, logged_in):
    colleague = rb.member(world.sender_org)
    url = f"/personnes/{world.person.id}/rgpd/journal"
    assert logged_in(colleague).get(url).status_code == 403
    assert logged_in(world.receiver).get(url).status_code == 403
    other_manager = rb.member(world.receiver_org, MembershipRole.MANAGER)
    assert logged_in(other_manager).get(url).status_code == 403
    people_operations.save_person(
        world.person, organisation_id=world.sender_org.id, user=world.sender, referent_id=colleague.id
    )
    assert logged_in(colleague).get(url).status_code == 200


def test_the_journal_exports_as_csv_without_values(world, logged_in_from):
    people_operations.save_person(
        world.person,
        organisation_id=world.sender_org.id,
        user=world.sender,
        phone="07 55 44 33 22",
        referent_id=world.sender.id,
    )
    client = logged_in_from(world.sender, "10.84.0.11")
    client.get(f"/personnes/{world.person.id}")
    response = client.get(f"/personnes/{world.person.id}/rgpd/journal.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {"Date et heure (UTC)", "Par", "Adresse IP", "Navigateur", "Champs modifiés"} <= set(rows[0])
    reads = [
        row
        for row in rows
        if row["Action"] == "Consultation" and row["Page ou traitement"] == "Consultation de la fiche"
    ]
    assert reads and reads[0]["Adresse IP"] == "10.84.0.11" and "Firefox" in reads[0]["Navigateur"]
    assert any("téléphone" in row["Champs modifiés"] for row in rows)
    assert "07 55 44 33 22" not in text
