"""Sending, the inbox, the sent list, the orientation page: actions, comments, appointments, bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Orientation
from tests.referrals import builders as rb


def _send(client, world, **data):
    values = {
        "service_id": world.service.id,
        "need_ids": [world.need.id],
        "message": "Merci de la recevoir",
        "urgency": "urgent",
        "shared_fields": ["phone", "commune"],
        "send": "1",
    }
    values.update(data)
    return client.submit(f"/orientations/nouvelle?personne={world.person.id}", values)


def test_send_then_the_receiver_works_it_to_the_outcome(world, logged_in):
    sender, receiver = logged_in(world.sender), logged_in(world.receiver)
    response = _send(sender, world)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    orientation = db.session.scalar(sa.select(Orientation).where(Orientation.person_id == world.person.id))
    assert orientation.status is S.SENT and orientation.receiver_organisation_id == world.receiver_org.id
    inbox = receiver.get("/orientations/recues").get_data(as_text=True)
    assert "Lucie Durand" in inbox and 'data-count="nouvelles">1<' in inbox
    url = f"/orientations/{orientation.id}"
    opened = receiver.submit(url + "/statut", {"to_status": "received", "version": 2}, page="/orientations/recues")
    assert opened.status_code == 302
    page = receiver.get(url).get_data(as_text=True)
    assert "06 12 34 56 78" in page and "Note du diagnostic" not in page  # need details were not shared
    assert receiver.submit(url + "/statut", {"to_status": "accepted", "version": 3}).status_code == 302
    day = (date.today() + timedelta(days=3)).isoformat()
    booked = receiver.submit(
        url + "/rendez-vous",
        {"day": day, "time": "10:30", "channel": "in_person", "place": "Salle 2", "reminder_agreed": "y"},
        page=url,
    )
    assert booked.status_code == 302
    db.session.refresh(orientation)
    assert orientation.status is S.IN_PROGRESS and orientation.appointments[0].reminder_agreed
    assert sender.submit(url + "/commentaires", {"body": "Elle viendra accompagnée."}).status_code == 302
    assert receiver.submit(url + "/commentaires", {"body": "Bien noté."}).status_code == 302
    missing = receiver.submit(url + "/statut", {"to_status": "completed", "note": "tout est fait"})
    assert missing.status_code == 400 and "Indiquez le résultat" in missing.get_data(as_text=True)
    assert "tout est fait" in missing.get_data(as_text=True)  # the note typed is kept
    asked = receiver.submit(url + "/statut", {"to_status": "completed", "outcome": "met"})
    page = asked.get_data(as_text=True)  # the rendez-vous in 3 days is still planned: what became of it?
    assert (
        asked.status_code == 200 and "Confirmer la fin de l&#39;orientation" in page and "qu&#39;est-il devenu" in page
    )
    appointment_id = orientation.appointments[0].id
    done = receiver.submit(
        url + "/statut",
        {"to_status": "completed", "outcome": "met", "confirmed": "1", f"rendez_vous_{appointment_id}": "cancelled"},
    )
    assert done.status_code == 302
    seen = sender.get(url).get_data(as_text=True)
    assert "Résultat : Besoin satisfait" in seen and "Elle viendra accompagnée." in seen and "Bien noté." in seen
    sent = sender.get("/orientations/envoyees").get_data(as_text=True)
    assert "Besoin satisfait" in sent and 'data-status="completed"' in sent
    timeline = sender.get(f"/personnes/{world.person.id}").get_data(as_text=True)
    assert "Terminée" in timeline and "Parcours clos" in timeline


def test_draft_then_send(world, logged_in):
    sender = logged_in(world.sender)
    assert _send(sender, world, send="", save_draft="1").status_code == 302
    orientation = db.session.scalar(sa.select(Orientation).where(Orientation.person_id == world.person.id))
    assert orientation.status is S.DRAFT
    assert logged_in(world.receiver).get(f"/orientations/{orientation.id}").status_code == 403
    assert sender.submit(f"/orientations/{orientation.id}/statut", {"to_status": "sent"}).status_code == 302
    db.session.refresh(orientation)
    assert orientation.status is S.SENT


def test_service_that_does_not_accept_orientations(world, logged_in):
    closed = rb.receiving_service(name="Permanence sans orientation", accepts_orientations=False)
    response = _send(logged_in(world.sender), world, service_id=closed.id, message="mon message")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "ne reçoit pas d&#39;orientation (contact direct)" in page
    assert "mon message" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Orientation)) == 0


def test_without_consent_or_with_expired_consent(world, logged_in):
    bare = rb.person(world.sender_org, user=world.sender, consent=False, first_name="Sans")
    need = rb.need(bare, user=world.sender)
    client = logged_in(world.sender)
    response = client.submit(
        f"/orientations/nouvelle?personne={bare.id}",
        {"service_id": world.service.id, "need_ids": [need.id], "urgency": "normal", "send": "1"},
    )
    assert response.status_code == 400 and "Aucun consentement" in response.get_data(as_text=True)
    consent = world.person.consents[0]
    consent.expires_on = date.today() - timedelta(days=1)
    db.session.flush()
    expired = _send(client, world)
    assert expired.status_code == 400 and "a expiré" in expired.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Orientation)) == 0


def test_consent_must_cover_the_volet(world, logged_in):
    numerique_only = rb.person(world.sender_org, user=world.sender, volets=["numerique"], first_name="Léa")
    need = rb.need(numerique_only, rb.Volet.MOBILITE, user=world.sender)
    response = logged_in(world.sender).submit(
        f"/orientations/nouvelle?personne={numerique_only.id}",
        {"service_id": world.service.id, "need_ids": [need.id], "urgency": "normal", "send": "1"},
    )
    assert response.status_code == 400 and "ne couvre pas ce volet (Mobilité)" in response.get_data(as_text=True)


def test_orienting_to_ones_own_structure_is_refused_unless_allowed(world, logged_in, app):
    own = rb.receiving_service(world.sender_org, name="Service interne")
    client = logged_in(world.sender)
    response = _send(client, world, service_id=own.id)
    assert response.status_code == 400 and "votre propre structure" in response.get_data(as_text=True)
    app.config["REFERRALS_ALLOW_INTERNAL"] = True
    try:
        assert _send(client, world, service_id=own.id).status_code == 302
    finally:
        app.config["REFERRALS_ALLOW_INTERNAL"] = False


def test_forged_status_and_decision_on_decided_orientation(world, logged_in):
    orientation = world.orientation(S.RECEIVED)
    receiver = logged_in(world.receiver)
    url = f"/orientations/{orientation.id}/statut"
    forged = receiver.submit(url, {"to_status": "validated"}, page=f"/orientations/{orientation.id}")
    assert forged.status_code == 400 and "Ce statut n&#39;existe pas" in forged.get_data(as_text=True)
    skip = receiver.submit(url, {"to_status": "completed", "outcome": "met"}, page=f"/orientations/{orientation.id}")
    assert skip.status_code == 400 and "ne peut pas passer" in skip.get_data(as_text=True)
    assert (
        receiver.submit(
            url, {"to_status": "declined", "reason": "full"}, page=f"/orientations/{orientation.id}"
        ).status_code
        == 302
    )
    again = receiver.submit(url, {"to_status": "accepted"}, page=f"/orientations/{orientation.id}")
    assert again.status_code == 400 and "déjà « Refusée »" in again.get_data(as_text=True)
    by_sender = logged_in(world.sender).submit(url, {"to_status": "accepted"}, page=f"/orientations/{orientation.id}")
    assert by_sender.status_code in (400, 403)
    db.session.refresh(orientation)
    assert orientation.status is S.DECLINED and len(orientation.events) == 4


def test_stale_page_gets_a_conflict_message(world, logged_in):
    orientation = world.orientation(S.RECEIVED)
    receiver = logged_in(world.receiver)
    url = f"/orientations/{orientation.id}/statut"
    version = orientation.version
    assert receiver.submit(url, {"to_status": "accepted", "version": version}).status_code == 302
    late = receiver.submit(
        url, {"to_status": "declined", "reason": "full", "version": version}, page=f"/orientations/{orientation.id}"
    )
    assert late.status_code == 409 and "en même temps que vous" in late.get_data(as_text=True)


def test_decline_requires_a_reason_and_other_requires_a_note(world, logged_in):
    orientation = world.orientation(S.RECEIVED)
    receiver = logged_in(world.receiver)
    url = f"/orientations/{orientation.id}/statut"
    assert "Indiquez un motif" in receiver.submit(url, {"to_status": "declined"}).get_data(as_text=True)
    other = receiver.submit(url, {"to_status": "declined", "reason": "other"})
    assert other.status_code == 400 and "Précisez le motif" in other.get_data(as_text=True)
    assert receiver.submit(url, {"to_status": "declined", "reason": "other", "note": "hors secteur"}).status_code == 302


def test_redirect_points_the_sender_to_another_service(world, logged_in):
    orientation = world.orientation(S.RECEIVED)
    better = rb.receiving_service(name="Atelier smartphone")
    receiver = logged_in(world.receiver)
    response = receiver.submit(
        f"/orientations/{orientation.id}/statut",
        {"to_status": "redirected", "reason": "wrong_service", "redirect_service_id": better.id},
    )
    assert response.status_code == 302
    page = logged_in(world.sender).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "Atelier smartphone" in page and f"service={better.id}" in page


def test_inbox_tabs_counts_and_filters(world, logged_in):
    for status in (S.SENT, S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED):
        world.orientation(status)
    client = logged_in(world.receiver)
    page = client.get("/orientations/recues?onglet=en-cours").get_data(as_text=True)
    for tab, count in {"nouvelles": 2, "a-decider": 1, "en-cours": 2, "en-retard": 0, "terminees": 1}.items():
        assert f'data-count="{tab}">{count}<' in page
    assert page.count("data-orientation=") == 2
    assert (
        client.get("/orientations/recues?onglet=en-cours&volet=sante").get_data(as_text=True).count("data-orientation=")
        == 0
    )
    assert client.get("/orientations/recues?onglet=nimporte").status_code == 200


@pytest.mark.parametrize("volet", list(rb.Volet))
def test_each_volet_goes_from_sending_to_outcome_through_the_pages(logged_in, volet):
    world = rb.scenario(volet)
    sender, receiver = logged_in(world.sender), logged_in(world.receiver)
    assert _send(sender, world).status_code == 302
    orientation = db.session.scalar(sa.select(Orientation).where(Orientation.person_id == world.person.id))
    assert orientation.volet is volet
    url = f"/orientations/{orientation.id}/statut"
    for data in (
        {"to_status": "received"},
        {"to_status": "accepted"},
        {"to_status": "in_progress"},
        {"to_status": "completed", "outcome": "partly_met", "confirmed": "1"},
    ):
        assert receiver.submit(url, data, page="/").status_code == 302, data
        status_seen_by_sender = sender.get("/orientations/envoyees").get_data(as_text=True)
        assert f'data-status="{data["to_status"]}"' in status_seen_by_sender
    assert "Besoin partiellement satisfait" in sender.get(f"/orientations/{orientation.id}").get_data(as_text=True)


def test_a_rendez_vous_on_a_past_day_is_refused_on_the_date_field_and_nothing_moves(world, logged_in):
    orientation = world.orientation(S.ACCEPTED)
    receiver = logged_in(world.receiver)
    url = f"/orientations/{orientation.id}"
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    refused = receiver.submit(
        url + "/rendez-vous", {"day": yesterday, "time": "10:30", "channel": "phone", "place": "Salle 2"}, page=url
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "La date du rendez-vous est déjà passée." in page
    assert 'value="Salle 2"' in page  # what was typed is kept
    db.session.refresh(orientation)
    assert orientation.status is S.ACCEPTED and orientation.appointments == []
