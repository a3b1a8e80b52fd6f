"""The outbox in one process: enqueue in the transaction, deliver after commit, claim, retry, cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.notifications import channels, delivery, operations, preferences
from orientation.notifications.mail import queue_mail
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage, SubjectType
from orientation.notifications.operations import cancel_messages, enqueue_message
from orientation.notifications.tasks import deliver_message, send_digests, sweep_outbox


def _hello(user, key="k1", **kwargs):
    return enqueue_message(
        Channel.EMAIL,
        user.email,
        "hello",
        {"user": user, "number": 1, "link": "http://l/1"},
        idempotency_key=key,
        recipient_user_id=user.id,
        **kwargs,
    )


def _reload(message) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_message_is_written_in_the_transaction_and_sent_after_commit(make, outbox):
    user = make.user("camille@exemple.fr", first_name="Camille")
    message = _hello(user)
    assert message.status is MessageStatus.PENDING and outbox == []
    db.session.commit()
    assert len(outbox) == 1
    sent = outbox[0]
    assert sent.to == ["camille@exemple.fr"] and sent.subject == "Bonjour Camille"
    assert "http://l/1" in sent.body and "Camille" in sent.alternatives[0][0]
    assert sent.extra_headers["Message-ID"].startswith(f"<outbox-{message.id}.")
    message = _reload(message)
    assert message.status is MessageStatus.SENT and message.sent_at is not None and message.attempts == 1
    # Only a reference to the user is stored, never the name.
    assert message.context["user"] == {"$ref": "User", "id": user.id}
    assert "Camille" not in str(message.context)


def test_rollback_drops_the_message(make, outbox):
    user = make.user()
    db.session.commit()
    _hello(user, key="rolled-back")
    db.session.rollback()
    assert outbox == []
    assert (
        db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == "rolled-back")).first()
        is None
    )


def test_same_idempotency_key_gives_the_same_message(make, outbox):
    user = make.user()
    first = _hello(user, key="once")
    second = _hello(user, key="once")
    assert first.id == second.id
    db.session.commit()
    third = _hello(user, key="once")
    db.session.commit()
    assert third.id == first.id and len(outbox) == 1


def test_delivering_twice_sends_once(make, outbox):
    user = make.user()
    message = _hello(user, not_before=clock.now() + timedelta(hours=1))
    db.session.commit()
    assert outbox == []  # not due: not handed over
    with clock.frozen(clock.now() + timedelta(hours=2)):
        deliver_message(message.id)
        deliver_message(message.id)
    assert len(outbox) == 1 and _reload(message).attempts == 1


def test_a_fresh_claim_is_respected_and_a_stale_one_is_taken_over(make, outbox, app):
    user = make.user()
    message = _hello(user, not_before=clock.now() + timedelta(minutes=1))
    db.session.commit()
    with clock.frozen(clock.now() + timedelta(minutes=2)) as frozen:
        assert len(delivery.claim(db.session, [message.id], clock.now())) == 1  # a worker that then dies
        deliver_message(message.id)  # the broker redelivers the task at once: claimed, nothing sent
        assert outbox == [] and _reload(message).status is MessageStatus.SENDING
        frozen.advance(seconds=app.config["NOTIFICATIONS_CLAIM_TIMEOUT"] + 1)
        assert sweep_outbox() == 1
    assert len(outbox) == 1
    message = _reload(message)
    assert message.status is MessageStatus.SENT and message.attempts == 2


def test_a_hand_over_the_broker_refused_is_retried_by_the_next_sweep_whatever_its_age(
    make, outbox, monkeypatch, frozen_clock
):
    user = make.user()
    db.session.commit()
    monkeypatch.setattr(operations, "dispatch", lambda ids: False)  # the broker is down at commit
    message = _hello(user, key="refused")
    db.session.commit()
    assert outbox == [] and _reload(message).queued_at is None  # the failed hand-over is remembered
    monkeypatch.undo()  # the broker is back: the next sweep hands it over at once, not 5 minutes later
    frozen_clock.advance(seconds=1)
    assert sweep_outbox() == 1 and len(outbox) == 1
    assert _reload(message).status is MessageStatus.SENT


def test_a_message_handed_over_is_handed_over_again_only_after_the_requeue_delay(make, outbox, monkeypatch, app):
    user = make.user()
    db.session.commit()
    with clock.frozen(clock.now()) as frozen:
        monkeypatch.setattr(operations, "dispatch", lambda ids: True)  # accepted by the broker, then lost
        message = _hello(user, key="lost-task")
        db.session.commit()
        frozen.advance(seconds=app.config["NOTIFICATIONS_REQUEUE_AFTER"] - 1)
        assert sweep_outbox() == 0  # its task may still be waiting in the queue
        monkeypatch.undo()
        frozen.advance(seconds=2)
        assert sweep_outbox() == 1
    assert len(outbox) == 1 and _reload(message).status is MessageStatus.SENT


def test_a_stale_claim_is_handed_over_once_not_at_every_sweep(make, outbox, monkeypatch, app):
    user = make.user()
    message = _hello(user, not_before=clock.now() + timedelta(minutes=1))
    db.session.commit()
    handed = []
    monkeypatch.setattr(operations, "dispatch", lambda ids: handed.append(ids) or True)  # no worker takes it
    with clock.frozen(clock.now() + timedelta(minutes=2)) as frozen:
        delivery.claim(db.session, [message.id], clock.now())  # a worker that then dies
        frozen.advance(seconds=app.config["NOTIFICATIONS_CLAIM_TIMEOUT"] - 1)
        assert sweep_outbox() == 0  # its worker may still be alive
        frozen.advance(seconds=2)
        assert sweep_outbox() == 1 and sweep_outbox() == 0 and handed == [[message.id]]


def test_a_long_batch_renews_its_claims_so_no_other_worker_takes_them(make, outbox, monkeypatch, app):
    """Four messages at 15 s each: 60 s, longer than the claim timeout; every send holds a fresh claim."""
    user = make.user()
    messages = [_hello(user, key=f"long-{n}", not_before=clock.now() + timedelta(minutes=1)) for n in range(4)]
    db.session.commit()
    deliver_one = delivery._deliver_one
    claim_ages = []

    def slow(session, view):
        frozen.advance(seconds=15)  # the send takes 15 s
        claim_ages.append((clock.now() - view.claimed_at).total_seconds())
        return deliver_one(session, view)

    monkeypatch.setattr(delivery, "_deliver_one", slow)
    with clock.frozen(clock.now() + timedelta(minutes=2)) as frozen:
        assert set(delivery.deliver([m.id for m in messages]).values()) == {MessageStatus.SENT}
    timeout = app.config["NOTIFICATIONS_CLAIM_TIMEOUT"]
    assert len(claim_ages) == 4 and max(claim_ages) < timeout and sum(claim_ages) > timeout
    assert len(outbox) == 4 and {_reload(m).attempts for m in messages} == {1}


def test_a_claim_lost_while_stalled_is_left_to_the_worker_that_took_it(make, outbox, monkeypatch, app):
    user = make.user()
    first, second = (_hello(user, key=f"stalled-{n}", not_before=clock.now() + timedelta(minutes=1)) for n in range(2))
    db.session.commit()
    deliver_one = delivery._deliver_one
    taken = []

    def stalled(session, view):
        status = deliver_one(session, view)
        if not taken:  # this worker then hangs past the timeout; another takes the rest of its batch
            frozen.advance(seconds=app.config["NOTIFICATIONS_CLAIM_TIMEOUT"] + 1)
            taken.extend(delivery.claim(session, [second.id], clock.now()))
        return status

    monkeypatch.setattr(delivery, "_deliver_one", stalled)
    with clock.frozen(clock.now() + timedelta(minutes=2)) as frozen:
        assert delivery.deliver([first.id, second.id]) == {first.id: MessageStatus.SENT}
    assert [view.id for view in taken] == [second.id] and len(outbox) == 1
    assert _reload(second).status is MessageStatus.SENDING  # the other worker's to send


def test_scheduled_reminder_is_found_by_the_sweep_when_due(make, outbox, frozen_clock):
    user = make.user()
    message = _hello(user, not_before=frozen_clock.now + timedelta(days=2))
    db.session.commit()
    assert sweep_outbox() == 0 and outbox == []
    frozen_clock.advance(days=2)
    assert sweep_outbox() == 1 and len(outbox) == 1
    assert sweep_outbox() == 0 and len(outbox) == 1
    assert _reload(message).status is MessageStatus.SENT


def test_a_message_past_its_moment_is_cancelled_not_sent(make, outbox, frozen_clock):
    user = make.user()
    appointment = frozen_clock.now + timedelta(days=1)
    late = _hello(user, key="late", not_before=appointment - timedelta(hours=12), valid_until=appointment)
    also_late = _hello(user, key="late-2", not_before=appointment - timedelta(hours=12), valid_until=appointment)
    db.session.commit()
    frozen_clock.advance(days=2)  # an outage until after the appointment
    deliver_message(late.id)
    sweep_outbox()
    assert outbox == []
    for message in (late, also_late):
        message = _reload(message)
        assert message.status is MessageStatus.CANCELLED and "moment" in message.last_error


def test_do_not_contact_is_obeyed(make, outbox):
    user = make.user("refus@exemple.fr")
    db.session.commit()

    def do_not_contact(message):
        return "la personne ne souhaite pas être contactée" if message.recipient_user_id == user.id else None

    preferences.register_recipient_check(do_not_contact)
    try:
        message = _hello(user)
        db.session.commit()
    finally:
        preferences.unregister_recipient_check(do_not_contact)
    assert outbox == []
    message = _reload(message)
    assert message.status is MessageStatus.CANCELLED and "ne souhaite pas" in message.last_error


def test_missing_template_variable_fails_with_the_reason(make, outbox):
    user = make.user()
    message = enqueue_message(Channel.EMAIL, user.email, "hello", {"user": user}, idempotency_key="no-number")
    other = _hello(user, key="fine")
    db.session.commit()
    assert len(outbox) == 1  # the others go on
    message = _reload(message)
    assert message.status is MessageStatus.FAILED and "variable manquante" in message.last_error
    assert _reload(other).status is MessageStatus.SENT


def test_unknown_template_and_invalid_address_fail(make, outbox):
    user = make.user()
    unknown = enqueue_message(Channel.EMAIL, user.email, "nope", {}, idempotency_key="unknown")
    invalid = enqueue_message(Channel.EMAIL, "pas-une-adresse", "numbered", {"number": 2}, idempotency_key="bad")
    db.session.commit()
    assert outbox == []
    assert "modèle introuvable" in _reload(unknown).last_error
    invalid = _reload(invalid)
    assert invalid.status is MessageStatus.FAILED and "adresse e-mail invalide" in invalid.last_error


def test_deleted_subject_cancels_the_message(make, outbox):
    organisation = make.organisation()
    message = enqueue_message(
        Channel.EMAIL,
        "a@exemple.fr",
        "numbered",
        {"number": 1, "org": organisation},
        idempotency_key="gone",
        not_before=clock.now() + timedelta(minutes=5),
    )
    db.session.delete(organisation)
    db.session.commit()
    with clock.frozen(clock.now() + timedelta(minutes=10)):
        deliver_message(message.id)
    message = _reload(message)
    assert message.status is MessageStatus.CANCELLED and "n'existe plus" in message.last_error


def test_transient_errors_back_off_then_fail_after_the_limit(make, outbox, app, monkeypatch, frozen_clock):
    calls = []

    def refuse(*args):
        calls.append(clock.now())
        raise channels.TransientError("serveur SMTP injoignable : ConnectionRefusedError")

    monkeypatch.setattr(delivery.CHANNELS[Channel.EMAIL], "send", refuse)
    monkeypatch.setitem(app.config, "NOTIFICATIONS_MAX_ATTEMPTS", 4)
    message = enqueue_message(Channel.EMAIL, "a@exemple.fr", "numbered", {"number": 1}, idempotency_key="flaky")
    db.session.commit()
    delays = []
    for _ in range(6):
        message = _reload(message)
        if message.status is not MessageStatus.PENDING:
            break
        delays.append(message.not_before - frozen_clock.now)
        frozen_clock.set(message.not_before)
        deliver_message(message.id)
    base = app.config["NOTIFICATIONS_RETRY_BASE_SECONDS"]
    assert delays == [timedelta(seconds=base), timedelta(seconds=2 * base), timedelta(seconds=4 * base)]
    message = _reload(message)
    assert len(calls) == 4 and message.status is MessageStatus.FAILED and message.attempts == 4
    assert "injoignable" in message.last_error and "4 tentatives" in message.last_error


def test_backoff_is_capped(app):
    assert delivery.backoff(30) == timedelta(seconds=app.config["NOTIFICATIONS_RETRY_MAX_SECONDS"])


def test_an_unexpected_error_does_not_escape(make, outbox, monkeypatch):
    monkeypatch.setattr(delivery.CHANNELS[Channel.EMAIL], "send", lambda *a: 1 / 0)
    message = enqueue_message(Channel.EMAIL, "a@exemple.fr", "numbered", {"number": 1}, idempotency_key="bug")
    db.session.commit()  # delivery runs here and must not raise
    message = _reload(message)
    assert message.status is MessageStatus.PENDING and "ZeroDivisionError" in message.last_error


def test_credentials_are_wiped_once_sent(make, outbox):
    user = make.user()
    queue_mail(user.email, "password_reset", user=user, link="http://orientation.test/mot-de-passe/SECRET")
    db.session.commit()
    assert "SECRET" in outbox[0].body
    message = db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).scalars().first()
    assert message.status is MessageStatus.SENT and message.context == {} and message.body is None


def test_sms_is_normalised_and_sent(make, sms_outbox, frozen_clock):
    from datetime import UTC, datetime

    enqueue_message(
        Channel.SMS,
        "06 12 34 56 78",
        "rappel",
        {"when": datetime(2025, 3, 4, 13, 30, tzinfo=UTC)},
        idempotency_key="sms-1",
    )
    bad = enqueue_message(Channel.SMS, "04 90 12 34 56", "rappel", {"when": frozen_clock.now}, idempotency_key="sms-2")
    db.session.commit()
    assert sms_outbox == [("+33612345678", sms_outbox[0][1])]
    assert "4 mars 2025 à 14:30" in sms_outbox[0][1]
    bad = _reload(bad)
    assert bad.status is MessageStatus.FAILED and "pas un mobile" in bad.last_error


def test_cancel_messages_about_a_subject(make, outbox):
    user = make.user()
    later = clock.now() + timedelta(days=3)
    a = _hello(user, key="a", subject_type=SubjectType.ORIENTATION, subject_id=7, not_before=later)
    b = _hello(user, key="b", subject_type=SubjectType.ORIENTATION, subject_id=8, not_before=later)
    assert cancel_messages(SubjectType.ORIENTATION, 7, reason="orientation clôturée") == 1
    db.session.commit()
    assert _reload(a).status is MessageStatus.CANCELLED and _reload(b).status is MessageStatus.PENDING


def test_daily_digest_groups_held_messages(make, outbox, frozen_clock):
    user = make.user("agent@exemple.fr", first_name="Dominique")
    key = f"org:1:user:{user.id}"
    held = [
        enqueue_message(
            Channel.EMAIL,
            user.email,
            "hello",
            {"user": user, "number": n, "link": f"http://l/{n}"},
            idempotency_key=f"held-{n}",
            digest_key=key,
            deliver_as_digest=True,
            recipient_user_id=user.id,
        )
        for n in range(3)
    ]
    expired = enqueue_message(
        Channel.EMAIL,
        user.email,
        "numbered",
        {"number": 9},
        idempotency_key="held-x",
        digest_key=key,
        deliver_as_digest=True,
        valid_until=frozen_clock.now + timedelta(hours=1),
    )
    other = _hello(user, key="direct")
    db.session.commit()
    assert len(outbox) == 1  # only the direct one
    frozen_clock.advance(hours=2)
    assert sweep_outbox() == 0  # held messages are not the sweep's business
    assert send_digests() == 1
    assert len(outbox) == 2
    digest = outbox[1]
    assert digest.to == ["agent@exemple.fr"] and "3 notifications" in digest.subject
    assert digest.body.count("Bonjour Dominique") == 3 and "http://l/2" in digest.body
    for message in held:
        message = _reload(message)
        assert message.status is MessageStatus.DIGESTED and message.digest_message_id is not None
    assert _reload(expired).status is MessageStatus.CANCELLED
    assert _reload(other).status is MessageStatus.SENT
    assert send_digests() == 0 and len(outbox) == 2


def test_digest_is_for_email_with_a_key():
    with pytest.raises(ValueError):
        enqueue_message(
            Channel.SMS, "0612345678", "rappel", {}, idempotency_key="x", deliver_as_digest=True, digest_key="k"
        )


def test_context_refuses_objects_that_are_not_json_safe():
    with pytest.raises(TypeError):
        enqueue_message(Channel.EMAIL, "a@exemple.fr", "numbered", {"number": object()}, idempotency_key="x")


def test_a_template_given_the_wrong_kind_of_value_fails_at_once(sms_outbox):
    message = enqueue_message(Channel.SMS, "06 12 34 56 78", "rappel", {"when": "demain"}, idempotency_key="type")
    db.session.commit()
    message = _reload(message)
    assert message.status is MessageStatus.FAILED and message.attempts == 1
    assert "rendu impossible" in message.last_error and sms_outbox == []
