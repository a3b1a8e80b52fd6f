"""The person's messages through the real pipe: outbox rows written with each change, handed to a real
Celery worker, delivered to an SMTP sink (e-mail) and to the SMS file — and none without their
agreement, nor after their consent is withdrawn (the worker checks it again at delivery)."""

from __future__ import annotations

import email.policy
import time
from datetime import timedelta

import pytest
import redis

from orientation import clock
from orientation.extensions import db
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.people import operations as people_operations
from orientation.people.models import MessagesChannel
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import AppointmentChannel
from orientation.territory.operations import load_territory
from tests.notifications import processes
from tests.notifications.smtp_sink import SmtpSink
from tests.referrals import builders as referral_builders

pytestmark = [pytest.mark.worker, pytest.mark.no_db_transaction]

EMAIL = "odette.vidal@exemple.fr"


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not delivered in time"
        time.sleep(0.1)


def _person_messages(app) -> dict[str, MessageStatus]:
    with app.app_context():
        rows = db.session.execute(
            db.select(OutboxMessage.idempotency_key, OutboxMessage.status).where(
                OutboxMessage.template.startswith("person_")
            )
        ).all()
        db.session.remove()
    return dict(rows)


def test_a_real_worker_delivers_the_persons_messages_by_sms_and_e_mail(tmp_path):
    sms_dir = tmp_path / "sms"
    with SmtpSink() as sink, processes.database("person_messages") as url:
        app = processes.producer_app(url, processes.SHARED_BROKER)
        worker = processes.start_worker(
            url,
            processes.SHARED_BROKER,
            sink.port,
            tmp_path / "worker.log",
            name="person",
            extra_env={"SMS_BACKEND": "file", "SMS_FILE_PATH": str(sms_dir)},
        )
        try:
            with app.app_context():
                load_territory()
                world = referral_builders.scenario()
                world.receiver_org.phone = "04 90 11 22 33"
                world.sender_org.phone = "04 90 44 55 66"
                world.person.messages_channel = MessagesChannel.SMS  # Lucie: SMS
                by_email = referral_builders.person(
                    world.sender_org, user=world.sender, first_name="Odette", last_name="Vidal", email=EMAIL
                )
                by_email.messages_channel = MessagesChannel.EMAIL
                silent = referral_builders.person(world.sender_org, user=world.sender, first_name="Jean")
                db.session.commit()

                # Lucie: sent, then accepted, then a rendez-vous — three SMS.
                accepted = world.orientation(S.SENT)
                db.session.commit()
                lifecycle.transition(accepted, S.RECEIVED, actor=world.receiver)
                lifecycle.transition(accepted, S.ACCEPTED, actor=world.receiver)
                db.session.commit()
                operations.add_appointment(
                    accepted,
                    user=world.receiver,
                    starts_at=clock.now() + timedelta(days=3),
                    channel=AppointmentChannel.IN_PERSON,
                    place="12 rue de la République",
                    reminder_agreed=False,
                    note=None,
                )
                db.session.commit()

                # Odette: sent then declined — two e-mails.
                for person in (by_email, silent):
                    world.person, world.need = person, referral_builders.need(person, user=world.sender)
                    declined = world.orientation(S.RECEIVED)
                    lifecycle.transition(declined, S.DECLINED, actor=world.receiver, reason=Reason.FULL)
                    db.session.commit()

                # Sent and stopped by a consent withdrawn in the same moment: the worker finds the consent gone.
                world.person = referral_builders.person(world.sender_org, user=world.sender, first_name="Paul")
                world.person.messages_channel = MessagesChannel.SMS
                world.need = referral_builders.need(world.person, user=world.sender)
                world.orientation(S.SENT)
                people_operations.withdraw_consent(world.person.consents[0], user=world.sender, note="Retrait")
                db.session.commit()
                db.session.remove()

            _wait(lambda: len(list(sms_dir.glob("*.txt"))) >= 3 if sms_dir.exists() else False)
            _wait(lambda: len([m for m in sink.handler.messages if m["To"] == EMAIL]) >= 2)
            _wait(
                lambda: all(s in (MessageStatus.SENT, MessageStatus.CANCELLED) for s in _person_messages(app).values())
            )
            time.sleep(0.5)  # a late extra message would arrive now

            texts = sorted(path.read_text(encoding="utf-8") for path in sms_dir.glob("*.txt"))
            assert len(texts) == 3, texts
            assert all(text.startswith("À : +33612345678\n\nBonjour, ") for text in texts)
            joined = "\n".join(texts)
            assert "Médiation de test a reçu votre demande et vous appellera au plus tard le" in joined
            assert "Médiation de test accepte votre demande." in joined
            assert "rendez-vous avec Médiation de test le " in joined and "12 rue de la République" in joined
            assert all(len(text.split("\n\n", 1)[1].strip()) <= 160 for text in texts)

            mails = [m for m in sink.handler.messages if m["To"] == EMAIL]
            assert len(mails) == 2
            parsed = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in mails]
            assert sorted(str(m["Subject"]) for m in parsed) == [
                "Votre demande auprès de Médiation de test : la suite",
                "Votre demande est transmise à Médiation de test",
            ]
            bodies = "\n".join(m.get_body(preferencelist=("plain",)).get_content() for m in parsed)
            assert "Médiation de test va vous appeler au plus tard le" in bodies
            assert "EDeS de test va vous proposer une autre solution." in bodies

            statuses = _person_messages(app)
            assert sorted(statuses.values()) == sorted([MessageStatus.SENT] * 5 + [MessageStatus.CANCELLED]), (
                statuses
            )  # nothing for Jean (no agreement); Paul's withdrawn before delivery
            with app.app_context():
                (cancelled,) = db.session.scalars(
                    db.select(OutboxMessage).where(
                        OutboxMessage.status == MessageStatus.CANCELLED, OutboxMessage.template.startswith("person_")
                    )
                )
                assert "consentement" in cancelled.last_error
                db.session.remove()
        finally:
            processes.stop(worker)
            redis.Redis.from_url(processes.SHARED_BROKER).delete(processes.QUEUE)
