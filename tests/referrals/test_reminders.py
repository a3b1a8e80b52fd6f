"""The worker's rules for orientations: notifications on each move, reminders in working days, expiry,
follow-ups, appointment reminders and the "service really obtained?" question — with a frozen clock."""

import email
import email.policy
from datetime import UTC, datetime, timedelta

import pytest

from orientation import clock
from orientation.extensions import db
from orientation.followups.overrides import set_service_overrides
from orientation.followups.sweep import run_sweep
from orientation.followups.tasks import sweep as sweep_task
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.people.models import ContactPreference
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import Orientation, ServiceObtained
from tests.conftest import csrf_token_from

# Friday 3 April 2026, 9:00 in Paris; Easter Monday is 6 April 2026.
FRIDAY_BEFORE_EASTER = datetime(2026, 4, 3, 7, 0, tzinfo=UTC)
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris, an ordinary week


def messages(template: str | None = None, **filters) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))


def sweep() -> dict[str, int]:
    """One sweep of the referrals area's rules: {rule name: orientations or rendez-vous handled}."""
    return run_sweep(only="referrals.")


def at(moment: datetime):
    return clock.frozen(moment)


def test_sending_tells_the_receiving_structure_without_personal_data(world, outbox):
    orientation = world.orientation(S.DRAFT)
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()  # delivered after the commit (inline in tests)
    (mail,) = [m for m in outbox if m.to == [world.receiver.email]]
    assert mail.subject == "Nouvelle orientation numérique pour Médiation de test"
    # As a mail reader decodes it: no leading space from a fold before the encoded subject.
    parsed = email.message_from_bytes(mail.message().as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Nouvelle orientation numérique pour Médiation de test"
    assert f"/orientations/{orientation.id}" in mail.body
    assert "Durand" not in mail.body and "Lucie" not in mail.body  # no name in an e-mail
    assert world.sender.email not in [m.to[0] for m in outbox]


def test_decisions_and_outcomes_are_reported_to_the_sender(world, outbox):
    orientation = world.orientation(S.RECEIVED)
    lifecycle.transition(orientation, S.DECLINED, actor=world.receiver, reason=Reason.FULL)
    db.session.commit()
    (mail,) = [m for m in outbox if m.to == [world.sender.email]]
    assert mail.subject == f"Orientation n° {orientation.id} : refusée"
    assert "Motif : Plus de place (complet)" in mail.body
    html = mail.alternatives[0][0]
    assert "Voir l&#39;orientation" in html or "Voir l'orientation" in html


def test_cancellation_is_reported_to_the_receiver_only(world, outbox):
    orientation = world.orientation(S.SENT)
    db.session.commit()
    outbox.clear()
    lifecycle.transition(orientation, S.CANCELLED, actor=world.sender, reason=Reason.NO_LONGER_NEEDED)
    db.session.commit()
    assert [m.to for m in outbox] == [[world.receiver.email]]
    assert "annulée" in outbox[0].subject


def test_unopened_reminder_after_two_working_days_skipping_easter_monday(world):
    with at(FRIDAY_BEFORE_EASTER) as frozen:
        orientation = world.orientation(S.SENT)
        frozen.advance(days=4, hours=1)  # Tuesday 7 April: only one working day has passed (Monday is a holiday)
        assert sweep()["referrals.unopened"] == 0
        frozen.advance(days=1)  # Wednesday 8 April 10:00: two working days
        assert sweep()["referrals.unopened"] == 1
        assert sweep()["referrals.unopened"] == 0  # claimed once
    (reminder,) = messages("orientation_unopened")
    assert reminder.recipient == world.receiver.email and reminder.subject_id == orientation.id


def test_service_override_of_the_unopened_delay(world):
    set_service_overrides(world.service.id, {"referrals.unopened": 4})
    with at(MONDAY) as frozen:
        world.orientation(S.SENT)
        frozen.advance(days=2, minutes=5)
        assert sweep()["referrals.unopened"] == 0
        frozen.advance(days=2)
        assert sweep()["referrals.unopened"] == 1


def test_undecided_reminds_the_receiver_and_tells_the_sender_once(world):
    with at(MONDAY) as frozen:
        orientation = world.orientation(S.RECEIVED)
        frozen.advance(days=4)  # Friday: 4 working days
        assert sweep()["referrals.undecided"] == 0
        frozen.advance(days=3, minutes=1)  # next Monday 9:01: 5 working days
        assert sweep()["referrals.undecided"] == 1
        assert sweep()["referrals.undecided"] == 0
    assert [m.recipient for m in messages("orientation_undecided")] == [world.receiver.email]
    assert [m.recipient for m in messages("orientation_undecided_sender")] == [world.sender.email]
    db.session.refresh(orientation)
    assert orientation.status is S.RECEIVED


def test_no_decision_in_30_days_expires_and_tells_the_sender(world):
    with at(MONDAY) as frozen:
        orientation = world.orientation(S.SENT)
        frozen.advance(days=29)
        assert sweep()["referrals.expiry"] == 0
        frozen.advance(days=1, minutes=1)
        assert sweep()["referrals.expiry"] == 1
        assert sweep()["referrals.expiry"] == 0
    db.session.refresh(orientation)
    assert orientation.status is S.EXPIRED
    last = orientation.events[-1]
    assert last.side is lifecycle.Side.SYSTEM and last.reason is Reason.NO_ANSWER
    update = messages("orientation_update", recipient=world.sender.email)
    assert len(update) == 1 and update[0].context["event"]["id"] == last.id


def test_a_reminder_pending_when_the_orientation_moves_is_cancelled(world):
    with at(MONDAY) as frozen:
        orientation = world.orientation(S.SENT)
        frozen.advance(days=2, minutes=1)
        sweep()
        (reminder,) = messages("orientation_unopened")
        # Not yet delivered (no commit), and the receiver opens it meanwhile: the reminder is moot.
        lifecycle.transition(orientation, S.RECEIVED, actor=world.receiver)
    db.session.refresh(reminder)
    assert reminder.status is MessageStatus.CANCELLED


def test_stalled_follow_up_after_15_days_and_again_after_new_activity(world):
    with at(MONDAY) as frozen:
        orientation = world.orientation(S.ACCEPTED)
        frozen.advance(days=15, minutes=1)
        assert sweep()["referrals.stalled"] == 1
        assert sweep()["referrals.stalled"] == 0
        lifecycle.transition(orientation, S.IN_PROGRESS, actor=world.receiver)  # new activity
        frozen.advance(days=10)
        assert sweep()["referrals.stalled"] == 0
        frozen.advance(days=6)
        assert sweep()["referrals.stalled"] == 1
    assert len(messages("orientation_stalled")) == 2


def test_service_obtained_question_30_days_after_completion_and_answer(world, logged_in):
    with at(MONDAY) as frozen:
        orientation = world.orientation(S.COMPLETED)
        frozen.advance(days=31)
        assert sweep()["referrals.obtained_check"] == 1
        assert sweep()["referrals.obtained_check"] == 0
    (question,) = messages("orientation_obtained_check")
    assert question.recipient == world.sender.email
    client = logged_in(world.sender)
    page = client.get(f"/orientations/{orientation.id}/service-obtenu")
    assert page.status_code == 200
    refused = client.post(
        f"/orientations/{orientation.id}/service-obtenu",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "answer": "peut-etre"},
    )
    assert refused.status_code == 400
    done = client.submit(f"/orientations/{orientation.id}/service-obtenu", {"answer": "partly"})
    assert done.status_code == 302
    db.session.refresh(orientation)
    assert orientation.service_obtained is ServiceObtained.PARTLY
    assert "En partie" in client.get(f"/orientations/{orientation.id}").get_data(as_text=True)


def test_only_the_sender_answers_the_service_obtained_question(world, logged_in):
    orientation = world.orientation(S.COMPLETED)
    assert logged_in(world.receiver).get(f"/orientations/{orientation.id}/service-obtenu").status_code == 403
    assert logged_in(world.outsider).get(f"/orientations/{orientation.id}/service-obtenu").status_code == 403
    open_one = world.orientation(S.ACCEPTED)
    response = logged_in(world.sender).submit(f"/orientations/{open_one.id}/service-obtenu", {"answer": "yes"})
    assert response.status_code == 400 and "terminée" in response.get_data(as_text=True)


def test_appointment_reminder_by_sms_the_day_before_once(world):
    with at(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(days=1, hours=2))
        assert sweep()["referrals.appointment"] == 0  # 26 hours before: not yet
        frozen.advance(hours=3)
        assert sweep()["referrals.appointment"] == 1
        assert sweep()["referrals.appointment"] == 0
    (sms,) = messages("appointment_reminder")
    assert sms.channel.value == "sms" and sms.recipient == "06 12 34 56 78"
    assert sms.valid_until == appointment.starts_at  # never sent after the appointment


def test_no_appointment_reminder_without_the_persons_agreement(world):
    with at(MONDAY) as frozen:
        world.appointment(MONDAY + timedelta(hours=20), agreed=False)
        frozen.advance(hours=1)
        assert sweep()["referrals.appointment"] == 0


@pytest.mark.parametrize("preference", [ContactPreference.NO_DIRECT_CONTACT, ContactPreference.POST])
def test_do_not_contact_is_obeyed_even_after_the_reminder_was_queued(world, preference):
    from orientation.notifications.delivery import deliver

    with at(MONDAY) as frozen:
        world.appointment(MONDAY + timedelta(hours=20))
        frozen.advance(hours=1)
        sweep()
        world.person.contact_preference = preference  # changed after the reminder was queued
        db.session.flush()
        (sms,) = messages("appointment_reminder")
        deliver([sms.id])
    db.session.refresh(sms)
    assert sms.status is MessageStatus.CANCELLED
    assert "ne souhaite pas être contactée" in sms.last_error


def test_email_preference_gets_an_email_reminder(world, outbox):
    world.person.contact_preference = ContactPreference.EMAIL
    world.person.email = "lucie.durand@exemple.fr"
    db.session.flush()
    now = datetime.now(UTC).replace(microsecond=0)
    with at(now):
        world.appointment(now + timedelta(hours=20))
        sweep()
    db.session.commit()
    (mail,) = [m for m in outbox if m.to == ["lucie.durand@exemple.fr"]]
    assert mail.subject.startswith("Rappel de votre rendez-vous")
    assert "12 rue de la République" in mail.body and "Médiation de test" in mail.body


def test_digest_structures_get_their_messages_held_for_the_daily_email(world):
    world.receiver_org.notification_digest = True
    db.session.flush()
    world.orientation(S.SENT)
    (new,) = messages("orientation_new")
    assert new.status is MessageStatus.HELD and new.digest_key.startswith(f"org:{world.receiver_org.id}:")


def test_the_task_commits_one_sweep(world, app):
    with at(MONDAY) as frozen:
        orientation = world.orientation(S.SENT)
        frozen.advance(days=31)
        report = sweep_task()
    assert report["referrals.expiry"] == 1
    assert db.session.get(Orientation, orientation.id).status is S.EXPIRED


def test_every_reminder_template_renders(world, outbox):
    """Each template is rendered for real (StrictUndefined: a missing variable would fail it)."""
    with at(MONDAY) as frozen:
        world.orientation(S.SENT)
        world.orientation(S.RECEIVED)
        world.orientation(S.ACCEPTED)
        world.orientation(S.COMPLETED)
        frozen.advance(days=8)  # unopened and undecided reminders
        sweep()
        db.session.commit()  # delivered (inline in tests), as each sweep of the task commits
        frozen.advance(days=23)  # expiry, stalled follow-up, service-obtained question
        sweep()
    db.session.commit()
    for message in messages():
        db.session.refresh(message)
        assert message.status in (MessageStatus.SENT, MessageStatus.CANCELLED), (message.template, message.last_error)
    subjects = " | ".join(m.subject for m in outbox)
    for expected in (
        "attend d'être ouverte",
        "attend votre décision",
        "toujours sans décision",
        "Où en est l'accompagnement",
        "vraiment obtenu",
        "expirée",
    ):
        assert expected in subjects, subjects


def test_no_service_obtained_question_for_orientations_closed_long_ago(world):
    with at(MONDAY) as frozen:
        world.orientation(S.COMPLETED)
        frozen.advance(days=60)  # the product was deployed after the 30-day mark had long passed
        assert sweep()["referrals.obtained_check"] == 0


def test_orientations_followed_by_another_area_are_left_to_it(world):
    from orientation.directory.models import Service
    from orientation.referrals import followups

    def this_service():
        return db.select(Service.id).where(Service.id == world.service.id)

    followups.leave_services_to(this_service)
    try:
        with at(MONDAY) as frozen:
            world.orientation(S.SENT)
            frozen.advance(days=31)
            assert sum(sweep().values()) == 0
    finally:
        followups._followed_elsewhere.remove(this_service)
