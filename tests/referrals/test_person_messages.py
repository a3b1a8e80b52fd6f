"""Messages to the person: with their agreement, on their channel, in plain French, logged in their journal.

Delivered in-process after each commit here (the worker test, tests/notifications/test_person_messages_worker.py,
sends them through a real Celery worker to an SMTP sink and the SMS file).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from orientation import clock
from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from orientation.notifications.channels import MemorySmsBackend
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.people import operations as people_operations
from orientation.people.models import ContactPreference, MessagesChannel
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import AppointmentChannel

# Monday 7 December 2026, 10:00 in Paris.
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\{|\}|None|\$ref")  # a code, a template leftover, a Python value


@pytest.fixture
def sms():
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


@pytest.fixture
def frozen():
    with clock.frozen(MONDAY) as frozen:
        yield frozen


def agree(person, channel: MessagesChannel, **fields) -> None:
    for name, value in {"messages_channel": channel, **fields}.items():
        setattr(person, name, value)
    db.session.flush()


def person_messages(template_prefix: str = "person_") -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.template.startswith(template_prefix))
            .order_by(OutboxMessage.id)
        )
    )


def plain_french(text: str) -> None:
    assert not CODE.search(text), text
    assert "orientation" not in text.lower()  # a word of the professionals, not the person's


def test_sms_on_sent_accepted_rendez_vous_and_declined(world, sms, frozen):
    world.receiver_org.phone = "04 90 11 22 33"
    world.sender_org.phone = "04 90 44 55 66"
    agree(world.person, MessagesChannel.SMS)
    orientation = world.orientation(S.DRAFT)
    lifecycle.transition(orientation, S.SENT, actor=world.sender)
    db.session.commit()
    (sent,) = sms
    assert sent[0] == "+33612345678"
    deadline = orientation.decision_due_at.astimezone(clock.PARIS)
    assert sent[1] == (
        "Bonjour, Médiation de test a reçu votre demande et vous appellera au plus tard le "
        f"{['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'][deadline.weekday()]} {deadline.day} décembre. "
        "Tél : 04 90 11 22 33"
    )

    lifecycle.transition(orientation, S.RECEIVED, actor=world.receiver)
    lifecycle.transition(orientation, S.ACCEPTED, actor=world.receiver)
    db.session.commit()
    assert sms[-1][1] == (
        "Bonjour, Médiation de test accepte votre demande. Vous serez appelé(e) pour fixer un rendez-vous. "
        "Tél : 04 90 11 22 33"
    )
    operations.add_appointment(
        orientation,
        user=world.receiver,
        starts_at=datetime(2026, 12, 14, 9, 30, tzinfo=UTC),
        channel=AppointmentChannel.IN_PERSON,
        place="12 rue de la République, Carpentras",
        reminder_agreed=False,
        note="Apporter la carte Vitale",
    )
    db.session.commit()
    assert sms[-1][1] == (
        "Bonjour, rendez-vous avec Médiation de test le lundi 14 décembre à 10 h 30, "
        "12 rue de la République, Carpentras. Si vous ne pouvez pas venir : 04 90 11 22 33"
    )
    assert len(sms) == 3

    declined = world.orientation(S.RECEIVED)
    lifecycle.transition(declined, S.DECLINED, actor=world.receiver, reason=Reason.FULL)
    db.session.commit()
    assert sms[-1][1] == (
        "Bonjour, Médiation de test ne peut pas répondre à votre demande. "
        "EDeS de test va vous proposer une autre solution. Tél : 04 90 44 55 66"
    )
    for _phone, text in sms:
        assert len(text) <= 160, text
        plain_french(text)
    assert "Apporter" not in " ".join(text for _p, text in sms)  # the receiver's note stays with them


def test_email_with_the_rendez_vous_when_already_planned(world, outbox, frozen):
    agree(world.person, MessagesChannel.EMAIL, email="lucie.durand@exemple.fr")
    orientation = world.orientation(S.SENT)
    db.session.commit()
    (mail,) = [m for m in outbox if m.to == ["lucie.durand@exemple.fr"]]
    assert mail.subject == "Votre demande est transmise à Médiation de test"
    assert "EDeS de test a transmis votre demande à Médiation de test (Aide aux démarches)" in mail.body
    assert "au plus tard le" in mail.body and "Pour ne plus en recevoir, dites-le à EDeS de test" in mail.body
    plain_french(mail.subject + mail.body)
    assert "Durand" not in mail.body  # nothing more than needed
    lifecycle.transition(orientation, S.RECEIVED, actor=world.receiver)
    lifecycle.transition(orientation, S.DECLINED, actor=world.receiver, reason=Reason.FULL)
    db.session.commit()
    declined = [m for m in outbox if m.to == ["lucie.durand@exemple.fr"]][-1]
    assert declined.subject == "Votre demande auprès de Médiation de test : la suite"
    assert "EDeS de test va vous proposer une autre solution." in declined.body
    plain_french(declined.subject + declined.body)


def test_nothing_without_agreement_contact_or_consent(world, sms, outbox, frozen):
    world.orientation(S.ACCEPTED)  # the person never agreed (the default)
    agree(world.person, MessagesChannel.EMAIL)  # agreed, but no e-mail address
    world.orientation(S.ACCEPTED)
    agree(world.person, MessagesChannel.SMS, contact_preference=ContactPreference.NO_DIRECT_CONTACT)
    world.orientation(S.SENT)
    db.session.commit()
    assert person_messages() == [] and sms == []

    agree(world.person, MessagesChannel.SMS, contact_preference=ContactPreference.PHONE)
    orientation = world.orientation(S.RECEIVED)
    people_operations.withdraw_consent(world.person.consents[0], user=world.sender, note="Ne souhaite plus")
    db.session.commit()
    assert [m.template for m in person_messages()] == ["person_orientation_sent"]  # before the withdrawal
    assert orientation.status is S.CANCELLED
    lifecycle_messages = len(sms)
    agree(world.person, MessagesChannel.SMS)
    assert len(sms) == lifecycle_messages


def test_a_message_not_yet_sent_is_cancelled_if_the_person_changes_their_mind(world, app, sms, frozen):
    app.config["NOTIFICATIONS_DELIVER_INLINE"] = False  # left pending, as when the worker is busy
    try:
        agree(world.person, MessagesChannel.SMS)
        world.orientation(S.SENT)
        db.session.commit()
        (message,) = person_messages()
        world.person.messages_channel = MessagesChannel.NONE
        db.session.commit()
        from orientation.notifications.delivery import deliver

        assert deliver([message.id]) == {message.id: MessageStatus.CANCELLED}
        assert sms == []
    finally:
        app.config["NOTIFICATIONS_DELIVER_INLINE"] = True


def test_each_message_is_logged_in_the_persons_journal(world, sms, frozen, logged_in):
    agree(world.person, MessagesChannel.SMS)
    orientation = world.orientation(S.RECEIVED)
    client = logged_in(world.receiver)
    page = client.get(f"/orientations/{orientation.id}")
    assert page.status_code == 200
    lifecycle.transition(orientation, S.ACCEPTED, actor=world.receiver)
    db.session.commit()
    entries = list(
        db.session.scalars(
            db.select(PersonAccessLog)
            .where(PersonAccessLog.purpose == "referrals.person_message")
            .order_by(PersonAccessLog.id)
        )
    )
    messages = person_messages()
    assert [(e.target, e.target_id, e.fields, e.orientation_id) for e in entries] == [
        ("outbox_messages", m.id, ["phone"], orientation.id) for m in messages
    ]
    assert len(entries) == 2  # sent and accepted: the opening by the receiver tells the person nothing
    world.person.referent_id = world.sender.id  # the referent reads the journal
    db.session.commit()
    journal = logged_in(world.sender).get(f"/personnes/{world.person.id}/rgpd/journal")
    assert "Message à la personne (SMS ou e-mail)" in journal.get_data(as_text=True)


def test_no_rendez_vous_message_for_one_already_past_and_a_cancelled_one_is_not_sent(world, sms, app, frozen):
    agree(world.person, MessagesChannel.SMS)
    orientation = world.orientation(S.ACCEPTED)
    app.config["NOTIFICATIONS_DELIVER_INLINE"] = False
    try:
        appointment = operations.add_appointment(
            orientation,
            user=world.receiver,
            starts_at=MONDAY + timedelta(days=2),
            channel=AppointmentChannel.PHONE,
            place="",
            reminder_agreed=False,
            note=None,
        )
        db.session.commit()
        (message,) = [m for m in person_messages() if m.template == "person_appointment"]
        from orientation.referrals import appointment_lifecycle
        from orientation.referrals.models import AppointmentStatus

        appointment_lifecycle.settle(appointment, AppointmentStatus.CANCELLED, actor=world.receiver)
        db.session.commit()
        from orientation.notifications.delivery import deliver

        assert deliver([message.id]) == {message.id: MessageStatus.CANCELLED}
    finally:
        app.config["NOTIFICATIONS_DELIVER_INLINE"] = True
