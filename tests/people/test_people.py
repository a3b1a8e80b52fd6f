"""Person file, duplicate warning, consent and its withdrawal, needs, access log."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from orientation.people.models import Consent, Need, NeedStatus, Person
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from tests.referrals import builders as rb


def test_agent_creates_a_person_and_reads_the_file(world, logged_in):
    client = logged_in(world.sender)
    response = client.submit(
        "/personnes/nouvelle",
        {
            "first_name": "Jeanne",
            "last_name": "Martin",
            "birth_date": "1950-03-02",
            "commune_code": "84087",
            "phone": "0612345678",
            "contact_preference": "phone",
            "situation": ["over_60", "no_email"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    person = db.session.scalar(sa.select(Person).where(Person.last_name == "Martin"))
    assert person.organisation_id == world.sender_org.id and person.phone == "06 12 34 56 78"
    page = client.get(f"/personnes/{person.id}").get_data(as_text=True)
    assert "Jeanne Martin" in page and "Plus de 60 ans" in page and "Pas de consentement valide" in page
    log = db.session.scalars(
        sa.select(PersonAccessLog).where(PersonAccessLog.person_id == person.id, PersonAccessLog.action == "read")
    ).all()
    assert [(entry.user_id, entry.purpose) for entry in log] == [(world.sender.id, "people.show")]


def test_duplicate_warning_on_same_name_and_birth_date(world, logged_in):
    rb.person(
        world.sender_org,
        user=world.sender,
        first_name="Éric",
        last_name="Dupont",
        birth_date=__import__("datetime").date(1980, 1, 1),
    )
    client = logged_in(world.sender)
    data = {"first_name": "eric", "last_name": "DUPONT", "birth_date": "1980-01-01", "contact_preference": "post"}
    warned = client.submit("/personnes/nouvelle", data)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 400 and "Une fiche existe peut-être déjà" in page and 'value="DUPONT"' in page
    confirmed = client.submit("/personnes/nouvelle", {**data, "confirm_duplicate": "y"})
    assert confirmed.status_code == 302
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.name_key == "dupont|eric"))
    assert count == 2


def test_form_errors_keep_what_was_typed(world, logged_in):
    response = logged_in(world.sender).submit(
        "/personnes/nouvelle", {"first_name": "Paul", "last_name": "", "phone": "12", "contact_preference": "sms"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Paul"' in page and "Ce champ est obligatoire." in page and "numéro de téléphone valide" in page


def test_consent_is_recorded_as_data(world, logged_in):
    person = rb.person(world.sender_org, user=world.sender, consent=False)
    client = logged_in(world.sender)
    refused = client.submit(f"/personnes/{person.id}/consentement", {"method": "oral", "scope": []})
    assert refused.status_code == 400 and "Cochez au moins un volet" in refused.get_data(as_text=True)
    done = client.submit(
        f"/personnes/{person.id}/consentement",
        {
            "agreed": "y",
            "method": "written",
            "purpose": "Orientation numérique",
            "scope": ["numerique"],
            "expires_on": "2099-01-01",
        },
    )
    assert done.status_code == 302
    consent = db.session.scalar(sa.select(Consent).where(Consent.person_id == person.id))
    assert (consent.method.value, consent.scope, consent.collected_by_id) == ("written", ["numerique"], world.sender.id)
    assert consent.is_valid()


def test_withdrawing_consent_stops_pending_orientations_and_hides_shared_data(world, logged_in):
    pending = world.orientation(S.ACCEPTED)
    finished = world.orientation(S.DECLINED)
    consent = pending.consent
    receiver = logged_in(world.receiver)
    assert "06 12 34 56 78" in receiver.get(f"/orientations/{pending.id}").get_data(as_text=True)
    sender = logged_in(world.sender)
    url = f"/personnes/consentements/{consent.id}/retirer"
    asked = sender.submit(url, {"note": "au téléphone"}, page=f"/personnes/{world.person.id}")
    page = asked.get_data(as_text=True)  # nothing done yet: the confirmation says what will stop, and who is told
    assert asked.status_code == 200 and "Confirmer le retrait du consentement" in page
    assert "L&#39;orientation vers Aide aux démarches est annulée ; un e-mail prévient Médiation de test." in page
    assert 'name="note" value="au téléphone"' in page
    db.session.refresh(pending)
    assert pending.status is S.ACCEPTED
    response = sender.submit(url, {"note": "au téléphone", "confirmed": "1"}, page=f"/personnes/{world.person.id}")
    assert response.status_code == 302
    db.session.refresh(pending)
    db.session.refresh(finished)
    assert pending.status is S.CANCELLED and pending.events[-1].reason is Reason.CONSENT_WITHDRAWN
    assert pending.events[-1].side.value == "system"
    assert finished.status is S.DECLINED
    page = receiver.get(f"/orientations/{pending.id}").get_data(as_text=True)
    assert "06 12 34 56 78" not in page and "Lucie" not in page and "consentement retiré" in page.lower()
    inbox = receiver.get("/orientations/recues?onglet=terminees").get_data(as_text=True)
    assert "Lucie Durand" not in inbox
    # No orientation leaves any more.
    again = sender.submit(
        f"/orientations/nouvelle?personne={world.person.id}",
        {"service_id": world.service.id, "need_ids": [world.need.id], "urgency": "normal", "send": "1"},
    )
    assert again.status_code == 400 and "retiré son consentement" in again.get_data(as_text=True)


def test_needs_from_the_diagnosis_and_closing_a_need(world, logged_in):
    client = logged_in(world.sender)
    response = client.submit(
        f"/personnes/{world.person.id}/besoins/sante",
        {"codes": ["sante_renoncement", "sante_droits"], "details": ["dentaire", "raison_cout"], "note": "urgent"},
    )
    assert response.status_code == 302
    needs = db.session.scalars(sa.select(Need).where(Need.person_id == world.person.id, Need.volet == "sante")).all()
    assert sorted(n.code.value for n in needs) == ["sante_droits", "sante_renoncement"]
    assert needs[0].details == ["dentaire", "raison_cout"]
    wrong_volet = client.submit(f"/personnes/{world.person.id}/besoins/sante", {"codes": ["mobilite_permis"]})
    assert wrong_volet.status_code == 400
    closed = client.submit(
        f"/personnes/besoins/{needs[0].id}/cloturer",
        {"status": "no_longer_needed", "confirmed": "1"},
        page=f"/personnes/{world.person.id}",
    )
    assert closed.status_code == 302
    db.session.refresh(needs[0])
    assert needs[0].status is NeedStatus.NO_LONGER_NEEDED


def test_suggested_services_for_a_need(world, logged_in):
    other = rb.receiving_service(name="Service qui n'oriente pas", accepts_orientations=False)
    page = logged_in(world.sender).get(f"/personnes/besoins/{world.need.id}/services").get_data(as_text=True)
    assert "Aide aux démarches" in page and other.name not in page
    assert f"/orientations/nouvelle?personne={world.person.id}&amp;besoin={world.need.id}" in page


def test_people_list_only_shows_my_organisation(world, logged_in):
    rb.person(world.receiver_org, user=world.receiver, first_name="Autre", last_name="Fiche")
    page = logged_in(world.sender).get("/personnes/?q=dur").get_data(as_text=True)
    assert "Durand Lucie" in page and "Fiche" not in page


def test_every_file_is_reachable_page_by_page(world, logged_in):
    for number in range(55):
        rb.person(world.sender_org, user=world.sender, first_name=f"Prénom{number:02d}", last_name="Zola")
    client = logged_in(world.sender)
    first = client.get("/personnes/").get_data(as_text=True)
    assert "56 personnes — page 1 sur 2" in first  # the scenario's own person, and the 55 added
    assert first.count("/personnes/") >= 50 and "Page suivante" in first and "Prénom54" not in first
    second = client.get("/personnes/?page=2").get_data(as_text=True)
    assert "page 2 sur 2" in second and "Prénom54" in second and "Durand Lucie" not in second
    assert "Page précédente" in second and "Page suivante" not in second
    assert "page 2 sur 2" in client.get("/personnes/?page=999").get_data(as_text=True)  # the last one
    searched = client.get("/personnes/?q=zola&page=2").get_data(as_text=True)
    assert "55 personnes pour « zola » — page 2 sur 2" in searched and "q=zola" in searched and "Prénom54" in searched


def test_people_are_found_by_name_birth_date_or_year_in_my_files_only(world, logged_in):
    from datetime import date

    rb.person(world.sender_org, user=world.sender, first_name="Hélène", last_name="Bérard", birth_date=date(1980, 4, 3))
    rb.person(world.sender_org, user=world.sender, first_name="Paul", last_name="Bérard", birth_date=date(1975, 1, 9))
    rb.person(
        world.receiver_org, user=world.receiver, first_name="Hélène", last_name="Bérard", birth_date=date(1980, 4, 3)
    )
    client = logged_in(world.sender)

    def found(query):
        page = client.get("/personnes/", query_string={"q": query}).get_data(as_text=True)
        return page.split('id="people-results"', 1)[1].count('href="/personnes/')

    assert found("berard") == 2 and found("HELENE bera") == 1
    assert found("03/04/1980") == 1 and found("1975") == 1 and found("berard 1980") == 1
    assert found("31/02/1980") == 0  # not a date: nothing, never an error
    # The other structure's Hélène Bérard, same name and birth date: never in this list.
    assert found("helene 03/04/1980") == 1


def test_the_people_list_takes_as_many_statements_for_3_as_for_60(world, logged_in):
    from tests.referrals.test_statement_counts import counting

    client = logged_in(world.sender)

    def measure():
        with counting() as statements:
            assert client.get("/personnes/?q=zola").status_code == 200
        return len(statements)

    for number in range(3):
        rb.person(world.sender_org, user=world.sender, first_name=f"Prénom{number:02d}", last_name="Zola")
    small = measure()
    for number in range(3, 60):
        rb.person(world.sender_org, user=world.sender, first_name=f"Prénom{number:02d}", last_name="Zola")
    assert measure() == small
