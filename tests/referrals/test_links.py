"""Receiving without an account: the link e-mail, the one-time code, the receiver's work by link, the
sender's hold on the links, renewal by e-mail, a bounce."""

from __future__ import annotations

import html
from datetime import date, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.audit.models import PersonAccessLog
from orientation.auth.tokens import hash_opaque_token
from orientation.extensions import db
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.referrals import links
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import ReceiverLink, Reception
from tests.conftest import csrf_token_from
from tests.referrals.links_helpers import RECEIVER_EMAIL, link_path, open_with_code


def _sent(world, outbox, status=S.SENT):
    orientation = world.orientation(status)
    db.session.commit()  # the e-mails leave after the commit (inline in tests)
    return orientation


def _post(client, url: str, data: dict, page: str):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_sending_emails_a_personal_link_stored_hashed(link_world, outbox):
    orientation = _sent(link_world, outbox)
    assert orientation.reception is Reception.LINK and orientation.receiver_email == RECEIVER_EMAIL
    (mail,) = [m for m in outbox if m.to == [RECEIVER_EMAIL]]
    assert mail.subject == "Orientation numérique de l'EDeS de test pour Permis solidaire"
    path = link_path([mail])
    token = path.rsplit("/", 1)[1]
    (link,) = db.session.scalars(sa.select(ReceiverLink)).all()
    assert link.token_hash == hash_opaque_token(token) and token not in link.token_hash
    assert link.expires_at.date() == (clock.now() + timedelta(days=14)).date()
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == links.LINK_TEMPLATE))
    db.session.refresh(message)
    assert message.contains_credentials and message.context == {} and message.body is None  # wiped once sent


def test_the_receiver_opens_with_a_code_and_works_it_to_the_outcome(link_world, outbox, client, logged_in):
    orientation = _sent(link_world, outbox)
    path = link_path(outbox)
    first = client.get(path)
    assert first.status_code == 200 and "Durand" not in first.get_data(as_text=True)  # nothing before the code
    opened = open_with_code(client, outbox, path)
    assert opened.status_code == 302 and opened.location.endswith(f"/lien/orientation/{orientation.id}")
    db.session.refresh(orientation)
    assert orientation.status is S.RECEIVED  # opening it is receiving it
    assert orientation.events[-1].actor_email == RECEIVER_EMAIL
    url = f"/lien/orientation/{orientation.id}"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert "Lucie Durand" in text and "06 12 34 56 78" in text  # the shared fields
    assert "Note du diagnostic" not in text  # need details were not shared
    assert _post(client, url + "/statut", {"to_status": "accepted", "version": 3}, url).status_code == 302
    day = (date.today() + timedelta(days=3)).isoformat()
    booked = _post(client, url + "/rendez-vous", {"day": day, "time": "10:30", "channel": "in_person"}, url)
    assert booked.status_code == 302
    assert _post(client, url + "/commentaires", {"body": "Nous la recevrons."}, url).status_code == 302
    missing = _post(client, url + "/statut", {"to_status": "completed"}, url)
    assert missing.status_code == 400 and "Indiquez le résultat" in missing.get_data(as_text=True)
    unanswered = _post(client, url + "/statut", {"to_status": "completed", "outcome": "met", "confirmed": "1"}, url)
    assert unanswered.status_code == 400 and "dites ce qu" in unanswered.get_data(as_text=True)  # a rendez-vous planned
    asked = _post(client, url + "/statut", {"to_status": "completed", "outcome": "met"}, url)
    assert asked.status_code == 200 and "qu&#39;est-il devenu ?" in asked.get_data(as_text=True)
    db.session.refresh(orientation)
    answer = {f"rendez_vous_{orientation.appointments[0].id}": "cancelled"}
    data = {"to_status": "completed", "outcome": "met", "confirmed": "1", **answer}
    assert _post(client, url + "/statut", data, url).status_code == 302
    db.session.refresh(orientation)
    assert orientation.status is S.COMPLETED and orientation.appointments[0].created_by_email == RECEIVER_EMAIL
    seen = logged_in(link_world.sender).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert f"par {RECEIVER_EMAIL} (lien e-mail)" in seen and "Nous la recevrons." in seen and "Besoin satisfait" in seen
    reads = db.session.scalars(
        sa.select(PersonAccessLog.purpose).where(PersonAccessLog.purpose.like("destinataire par lien%"))
    ).all()
    assert len(reads) >= 6 and set(reads) == {f"destinataire par lien : {RECEIVER_EMAIL} (receiver_links.orientation)"}
    closed = client.get(url).get_data(as_text=True)  # closed: where it stands, without the person
    assert "terminée" in closed and "Durand" not in closed and "06 12" not in closed
    assert "Lien non valable" in client.get(path).get_data(as_text=True)


def test_decline_with_a_reason_and_redirect_from_the_link(link_world, outbox, client):
    orientation = _sent(link_world, outbox)
    path = link_path(outbox)
    open_with_code(client, outbox, path)
    url = f"/lien/orientation/{orientation.id}"
    refused = _post(client, url + "/statut", {"to_status": "declined", "version": 3}, url)
    assert refused.status_code == 400 and "motif" in refused.get_data(as_text=True).lower()
    done = _post(client, url + "/statut", {"to_status": "declined", "reason": "full", "version": 3}, url)
    assert done.status_code == 302
    db.session.refresh(orientation)
    assert orientation.status is S.DECLINED
    assert any(RECEIVER_EMAIL not in m.to and "refusée" in m.subject.lower() for m in outbox)  # the sender is told


def test_the_page_offers_to_join_only_once_the_join_page_exists(link_world, outbox, client, app):
    orientation = _sent(link_world, outbox)
    open_with_code(client, outbox, link_path(outbox))
    text = client.get(f"/lien/orientation/{orientation.id}").get_data(as_text=True)
    assert ("Recevoir les prochaines orientations" in text) == ("organisations.join_request" in app.view_functions)


def test_the_sender_revokes_and_sends_again(link_world, outbox, client, logged_in):
    orientation = _sent(link_world, outbox)
    first = link_path(outbox)
    sender = logged_in(link_world.sender)
    page = f"/orientations/{orientation.id}"
    text = sender.get(page).get_data(as_text=True)
    assert f"Lien envoyé à {RECEIVER_EMAIL}" in text and "pas encore ouvert" in text
    (link,) = links.links_of(orientation)
    assert sender.submit(f"{page}/liens/{link.id}/revoquer", {}, page=page).status_code == 302
    assert client.get(first).status_code == 404
    assert "révoqué le" in sender.get(page).get_data(as_text=True)
    outbox.clear()
    assert sender.submit(f"{page}/liens/renvoyer", {}, page=page).status_code == 302
    second = link_path(outbox)
    assert second != first and client.get(second).status_code == 200


def test_the_coordination_lists_and_revokes_links(link_world, outbox, client, logged_in, make):
    orientation = _sent(link_world, outbox)
    path = link_path(outbox)
    coordinator = logged_in(rb_coordinator(make))
    listing = coordinator.get("/orientations/liens").get_data(as_text=True)
    assert RECEIVER_EMAIL in listing and "Durand" not in listing
    (link,) = links.links_of(orientation)
    revoked = coordinator.submit(
        f"/orientations/{orientation.id}/liens/{link.id}/revoquer", {}, page="/orientations/liens"
    )
    assert revoked.status_code == 302 and client.get(path).status_code == 404
    assert logged_in(link_world.outsider).get("/orientations/liens").status_code == 403


def rb_coordinator(make):
    from orientation.organisations.models import MembershipRole, OrganisationType
    from tests.referrals import builders as rb

    departement = make.organisation("Département", type=OrganisationType.DEPARTEMENT)
    return rb.member(departement, MembershipRole.MANAGER, coordinator=True)


def test_asking_a_new_link_answers_the_same_whatever_the_address(link_world, outbox, client):
    orientation = _sent(link_world, outbox)
    closed = link_world.orientation(S.CANCELLED)
    db.session.commit()
    outbox.clear()
    answers = []
    for address in (RECEIVER_EMAIL, "inconnu@exemple.fr"):
        response = _post(client, "/lien/nouveau", {"email": address}, "/lien/nouveau")
        assert response.status_code == 302
        answers.append(client.get(response.location).get_data(as_text=True).count("un nouveau lien vient"))
    assert answers == [1, 1]
    assert [m.to for m in outbox] == [[RECEIVER_EMAIL]]  # one per open orientation: not the closed one
    assert f"n° {orientation.id}" in outbox[0].body and f"n° {closed.id}" not in outbox[0].body
    assert client.get(link_path(outbox)).status_code == 200
    bad = _post(client, "/lien/nouveau", {"email": "pas une adresse"}, "/lien/nouveau")
    assert bad.status_code == 400 and "pas une adresse" in bad.get_data(as_text=True)


def test_cancellation_tells_the_address_without_a_live_link(link_world, outbox, logged_in):
    orientation = _sent(link_world, outbox)
    outbox.clear()
    sender = logged_in(link_world.sender)
    page = f"/orientations/{orientation.id}"
    response = sender.submit(
        page + "/statut",
        {"to_status": "cancelled", "reason": "no_longer_needed", "version": 2, "confirmed": "1"},
        page=page,
    )
    assert response.status_code == 302
    (mail,) = [m for m in outbox if m.to == [RECEIVER_EMAIL]]
    assert "annulée" in mail.subject and "/lien/" not in mail.body and "Durand" not in mail.body


def test_a_bounce_is_shown_to_the_sender_and_told_once(link_world, outbox, logged_in):
    from orientation.followups.sweep import run_sweep

    orientation = _sent(link_world, outbox)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == links.LINK_TEMPLATE))
    message.status = MessageStatus.FAILED
    message.last_error = "550 5.1.1 boîte inconnue"
    db.session.commit()
    page = html.unescape(logged_in(link_world.sender).get(f"/orientations/{orientation.id}").get_data(as_text=True))
    assert f"L'e-mail n'a pas pu être remis à {RECEIVER_EMAIL}" in page
    assert f"personne={orientation.person_id}" in page  # re-route: the orientation form, prefilled
    outbox.clear()
    assert run_sweep(only="referrals.receiver_link_bounced")["referrals.receiver_link_bounced"] == 1
    db.session.commit()
    assert run_sweep(only="referrals.receiver_link_bounced")["referrals.receiver_link_bounced"] == 0
    db.session.commit()
    (mail,) = outbox
    assert mail.to == [link_world.sender.email] and RECEIVER_EMAIL in mail.body and "Durand" not in mail.body


def test_reminders_reach_the_address_and_say_how_to_open(link_world, outbox):
    from orientation.followups.sweep import run_sweep

    with clock.frozen(clock.now()) as frozen:
        _sent(link_world, outbox)
        outbox.clear()
        frozen.advance(days=10)
        run_sweep(only="referrals.")
        db.session.commit()
    reminders = [m for m in outbox if m.to == [RECEIVER_EMAIL]]
    assert {"attend d'être ouverte", "attend votre décision"} <= {
        key for key in ("attend d'être ouverte", "attend votre décision") for m in reminders if key in m.subject
    }
    for mail in reminders:
        assert "/lien/nouveau" in mail.body and "Bonjour," in mail.body and "Durand" not in mail.body


def test_the_coordination_list_issues_the_same_statements_for_one_link_or_five(link_world, outbox, logged_in, make):
    from tests.referrals.test_statement_counts import counting

    coordinator = logged_in(rb_coordinator(make))

    def statements() -> int:
        with counting() as found:
            assert coordinator.get("/orientations/liens").status_code == 200
        return len(found)

    _sent(link_world, outbox)
    one = statements()
    for _ in range(4):
        _sent(link_world, outbox)
    assert statements() == one
