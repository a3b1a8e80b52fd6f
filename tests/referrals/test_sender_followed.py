"""An orientation its sender follows (« Contact direct »): the sender is asked what came of it, at the
usual dates, a bounded number of times; it never expires; its page speaks to the sender."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orientation import clock
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.followups.sweep import run_sweep
from orientation.referrals import lifecycle, operations
from orientation.referrals.followups import SENDER_ASKED, SENDER_REMINDER, SENDER_RESULT
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from orientation.referrals.models import Reception
from tests.directory import builders as directory_builders
from tests.referrals.builders import THEMATIQUE
from tests.referrals.test_reminders import messages

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris, an ordinary week
RECEIVER_RULES = ("referrals.unopened", "referrals.undecided", "referrals.expiry", "referrals.stalled")


def sweep() -> dict[str, int]:
    return run_sweep(only="referrals.")


@pytest.fixture
def direct(world):
    """A « Contact direct » service: no receiving organisation, no contact e-mail, a phone number."""
    return directory_builders.service(
        "Consultations sans rendez-vous",
        structure_=directory_builders.structure(name="Centre de santé de test"),
        thematiques=[THEMATIQUE[Volet.NUMERIQUE]],
        zones=["84"],
        telephone="04 90 11 22 33",
    )


def followed(world, service, **options):
    orientation = operations.create_orientation(
        world.person,
        service_id=service.id,
        user=world.sender,
        organisation_id=world.sender_org.id,
        need_ids=[world.need.id],
        message="Appelé le centre : il la reçoit sans rendez-vous.",
        urgency="normal",
        shared_fields=[],
        followed_by_sender=True,
        **options,
    )
    assert orientation.reception is Reception.SENDER
    return orientation


def test_the_sender_is_asked_at_the_usual_date_and_never_gets_a_receivers_reminder(world, direct, outbox):
    with clock.frozen(MONDAY) as frozen:
        orientation = followed(world, direct)
        frozen.advance(days=2, hours=1)  # Wednesday: a receiver would be reminded of an unopened orientation
        assert not any(sweep()[rule] for rule in (*RECEIVER_RULES, SENDER_ASKED))
        frozen.advance(days=5, minutes=1)  # Monday 9 March 10:01: five working days after sending
        report = sweep()
        assert report[SENDER_ASKED] == 1 and not any(report[rule] for rule in RECEIVER_RULES)
        assert sweep()[SENDER_ASKED] == 0  # claimed once
    (question,) = messages("orientation_sender_followed")
    assert question.recipient == world.sender.email and question.subject_id == orientation.id
    for template in ("orientation_unopened", "orientation_undecided", "orientation_undecided_sender"):
        assert not messages(template)
    db.session.commit()  # delivered after the commit
    (mail,) = [m for m in outbox if "reçue par" in m.subject]
    subject = f"La personne a-t-elle été reçue par Centre de santé de test ? (orientation n° {orientation.id})"
    assert mail.subject == subject
    assert "La personne a-t-elle été reçue par Centre de santé de test ? Qu'en est-il résulté ?" in mail.body
    assert f"/orientations/{orientation.id}" in mail.body
    assert "Durand" not in mail.body and "Lucie" not in mail.body  # no personal data in an e-mail
    html = mail.alternatives[0][0]
    assert "Durand" not in html and "reçue par Centre de santé de test" in html


def test_no_expiry_and_a_bounded_number_of_reminders_until_the_sender_writes(world, direct):
    with clock.frozen(MONDAY) as frozen:
        orientation = followed(world, direct)
        frozen.advance(days=7, hours=1)  # five working days later: the question
        assert sweep()[SENDER_ASKED] == 1
        frozen.advance(days=14)
        assert sweep()[SENDER_REMINDER] == 0  # a reminder comes 15 days after the question
        frozen.advance(days=1)
        assert sweep()[SENDER_REMINDER] == 1
        assert sweep()[SENDER_REMINDER] == 0
        frozen.advance(days=15)
        assert sweep()[SENDER_REMINDER] == 1  # the second and last reminder
        for _month in range(4):  # then silence, and still no expiry
            frozen.advance(days=30)
            report = sweep()
            assert report[SENDER_REMINDER] == 0 and report[SENDER_ASKED] == 0 and report["referrals.expiry"] == 0
        db.session.refresh(orientation)
        assert orientation.status is S.SENT
        # The sender writes a note: the cycle starts again from it.
        operations.add_comment(orientation, user=world.sender, body="Le centre ne répond pas, je rappelle.")
        frozen.advance(days=7, hours=1)
        assert sweep()[SENDER_ASKED] == 1
        frozen.advance(days=15)
        assert sweep()[SENDER_REMINDER] == 1
    questions = messages("orientation_sender_followed")
    assert len(questions) == 5 and {m.recipient for m in questions} == {world.sender.email}
    assert len({m.idempotency_key for m in questions}) == 5


def test_once_received_the_sender_is_asked_for_the_result_and_not_told_of_their_own_acts(world, direct, outbox):
    with clock.frozen(MONDAY) as frozen:
        orientation = followed(world, direct)
        db.session.commit()
        outbox.clear()
        frozen.advance(days=1)
        lifecycle.transition(orientation, S.ACCEPTED, actor=world.sender)  # « La personne a été reçue »
        db.session.commit()
        assert outbox == []  # the sender did it: no e-mail to themselves
        frozen.advance(days=15, minutes=1)
        report = sweep()
        assert report[SENDER_RESULT] == 1 and report["referrals.stalled"] == 0 and report[SENDER_ASKED] == 0
        lifecycle.transition(orientation, S.COMPLETED, actor=world.sender, outcome=Outcome.MET)
        frozen.advance(days=31)
        report = sweep()
        assert not any(report[rule] for rule in (SENDER_RESULT, SENDER_REMINDER, "referrals.obtained_check"))
    (question,) = messages("orientation_sender_followed")
    assert question.recipient == world.sender.email
    db.session.refresh(orientation)
    assert orientation.status is S.COMPLETED and orientation.outcome is Outcome.MET
    event = orientation.events[-1]
    assert event.side is lifecycle.Side.RECEIVER and event.actor_user_id == world.sender.id


def test_orientations_with_a_receiver_keep_their_rules(world, direct):
    with clock.frozen(MONDAY) as frozen:
        orientation = world.orientation(S.SENT)
        frozen.advance(days=7, hours=1)
        report = sweep()
        assert report["referrals.unopened"] == 1 and report["referrals.undecided"] == 1
        assert report[SENDER_ASKED] == 0
        frozen.advance(days=30)
        assert sweep()["referrals.expiry"] == 1
        assert sweep()[SENDER_REMINDER] == 0
    db.session.refresh(orientation)
    assert orientation.status is S.EXPIRED
    assert not messages("orientation_sender_followed")


# ---------------------------------------------------------------------------------------------
# The page


def test_the_page_speaks_to_the_sender_who_follows_it(world, direct, logged_in):
    orientation = followed(world, direct)
    client = logged_in(world.sender)
    page = client.get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "Orientation suivie par vous (contact direct) : notez ici ce qu'il en est" in page
    assert "04 90 11 22 33" in page  # the service's number, to call
    assert "La personne a été reçue" in page and "La personne n&#39;a pas été reçue / refus" in page
    assert "Accuser réception" not in page and ">Accepter<" not in page
    assert "Décision en retard" not in page
    accepted = client.submit(
        f"/orientations/{orientation.id}/statut",
        {"to_status": "accepted", "version": str(orientation.version)},
        page=f"/orientations/{orientation.id}",
    )
    assert accepted.status_code == 302
    db.session.refresh(orientation)
    assert orientation.status is S.ACCEPTED
    page = client.get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "Terminer avec le résultat" in page and "Fixer un rendez-vous" in page
    assert "L&#39;accompagnement a commencé" in page


def test_the_sender_records_a_refusal_and_a_rendez_vous(world, direct, logged_in):
    declined = followed(world, direct)
    client = logged_in(world.sender)
    response = client.submit(
        f"/orientations/{declined.id}/statut",
        {"to_status": "declined", "version": str(declined.version), "reason": Reason.FULL.value},
        page=f"/orientations/{declined.id}",
    )
    assert response.status_code == 302
    db.session.refresh(declined)
    assert declined.status is S.DECLINED
    received = followed(world, direct)
    lifecycle.transition(received, S.ACCEPTED, actor=world.sender)
    db.session.commit()
    tomorrow = clock.today() + timedelta(days=1)
    response = client.submit(
        f"/orientations/{received.id}/rendez-vous",
        {"day": tomorrow.isoformat(), "time": "10:00", "channel": "in_person", "place": "Centre"},
        page=f"/orientations/{received.id}",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(received)
    assert received.status is S.IN_PROGRESS and len(received.appointments) == 1


def test_a_members_orientation_page_is_unchanged(world, logged_in):
    orientation = world.orientation(S.SENT)
    page = logged_in(world.receiver).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert 'data-status="received"' in page and ">Accepter<" in page  # opened by its receiver: received
    assert "contact direct" not in page and "La personne a été reçue" not in page
    sender_page = logged_in(world.sender).get(f"/orientations/{orientation.id}").get_data(as_text=True)
    assert "notez ici ce qu'il en est" not in sender_page and "Accepter" not in sender_page


def test_the_sent_list_says_the_sender_has_something_to_note(world, direct, logged_in):
    with clock.frozen(datetime.now(UTC) - timedelta(days=30)):
        followed(world, direct)
    page = logged_in(world.sender).get("/orientations/envoyees").get_data(as_text=True)
    assert "Suite à noter" in page and "Sans réponse" not in page
    assert "Centre de santé de test (contact direct)" in page


def test_the_api_names_the_moves_as_the_page_does(world, direct):
    from orientation.api import representation

    orientation = followed(world, direct)
    moves = {
        move["status"]: move["action"] for move in representation.task(orientation, world.sender)["allowed_transitions"]
    }
    assert moves["accepted"] == "La personne a été reçue" and moves["cancelled"] == "Annuler l'orientation"
    members = world.orientation(S.SENT)
    moves = {
        move["status"]: move["action"] for move in representation.task(members, world.receiver)["allowed_transitions"]
    }
    assert moves["accepted"] == "Accepter"
