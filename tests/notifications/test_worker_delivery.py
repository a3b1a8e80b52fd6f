"""The real thing: Celery worker processes, Redis, an SMTP server — and the faults of real life.

Each message is counted at the SMTP sink by its outbox id (a header, like its stable Message-ID), so a
duplicate or a loss shows up. The sweep is run by the test, as beat would run it every minute.
"""

from __future__ import annotations

import json
import time

import pytest
import redis

from orientation.extensions import db
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage
from orientation.notifications.operations import enqueue_message
from tests import builders
from tests.notifications import processes
from tests.notifications.processes import PrivateRedis, database, producer_app, start_worker, statuses, stop
from tests.notifications.smtp_sink import SmtpSink

# One xdist worker runs the whole module: its Celery worker and SMTP sink are started once.
pytestmark = [pytest.mark.worker, pytest.mark.no_db_transaction, pytest.mark.xdist_group("notifications-worker")]


def _enqueue(app, count: int, *, prefix: str, start: int = 0, **kwargs) -> list[int]:
    """Enqueue `count` numbered e-mails in one transaction, commit (the hand-over happens there)."""
    with app.app_context():
        ids = [
            enqueue_message(
                Channel.EMAIL,
                f"agent{n}@exemple.fr",
                "numbered",
                {"number": n},
                idempotency_key=f"{prefix}:{n}",
                **kwargs,
            ).id
            for n in range(start, start + count)
        ]
        db.session.commit()
        db.session.remove()
    return ids


def _assert_each_once(sink: SmtpSink, app, ids: list[int]) -> None:
    time.sleep(0.3)  # a late duplicate would arrive now
    counts = sink.handler.counts()
    expected = [str(message_id) for message_id in ids]
    assert {mid: counts[mid] for mid in expected} == dict.fromkeys(expected, 1)


@pytest.fixture(scope="module")
def sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(autouse=True)
def _fresh_sink(sink):
    sink.handler.reset()


@pytest.fixture(scope="module")
def shared(sink, tmp_path_factory):
    """One database, one worker on the shared Redis (db 13, a queue of this run's own), one producer app."""
    with database("notif_worker") as url:
        log = tmp_path_factory.mktemp("worker") / "worker.log"
        # JSON log lines, as in production: a test reads the request id on the worker's lines.
        process = start_worker(
            url, processes.SHARED_BROKER, sink.port, log, name="notif", extra_env={"LOG_FORMAT": "json"}
        )
        try:
            yield producer_app(url, processes.SHARED_BROKER), url, log
        finally:
            stop(process)
            redis.Redis.from_url(processes.SHARED_BROKER).delete(processes.QUEUE)


def test_real_worker_delivers_each_message_once(shared, sink):
    app, _, _ = shared
    with app.app_context():
        user = builders.user("camille@exemple.fr", first_name="Camille")
        with_reference = enqueue_message(
            Channel.EMAIL,
            user.email,
            "hello",
            {"user": user, "number": 7, "link": "http://orientation.test/x"},
            idempotency_key="worker:hello",
        ).id
        db.session.commit()
        db.session.remove()
    ids = _enqueue(app, 5, prefix="once") + [with_reference]
    sink.wait_for(6)
    _assert_each_once(sink, app, ids)
    assert set(statuses(app, ids).values()) == {MessageStatus.SENT}
    hello = next(m for m in sink.handler.messages if m["X-Orientation-Outbox-Id"] == str(with_reference))
    assert "Bonjour Camille" in hello.get_payload()[0].get_payload(decode=True).decode()


def test_the_request_id_follows_the_message_into_the_worker_log(shared, sink):
    app, _, log = shared
    with app.test_request_context(headers={"X-Request-ID": "req-trace-0001"}):
        app.preprocess_request()  # the request's id is taken here, as for any request
        (message_id,) = _enqueue(app, 1, prefix="traced")  # committed: handed to the worker in this request
    sink.wait_for(1)
    deadline = time.monotonic() + 10
    while not (sent := _log_lines(log, f"outbox message {message_id} ")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sent, log.read_text(errors="replace")[-2000:]
    assert sent[0]["request_id"] == "req-trace-0001"
    assert {"time", "level", "logger"} <= set(sent[0]) and sent[0]["level"] == "INFO"


def _log_lines(log, prefix: str) -> list[dict]:
    lines = (json.loads(line) for line in log.read_text(errors="replace").splitlines() if line.startswith("{"))
    return [line for line in lines if line.get("message", "").startswith(prefix)]


def test_smtp_refusing_then_accepting_is_retried_and_delivered_once(shared, sink):
    app, _, _ = shared
    sink.handler.refuse_next = 3
    ids = _enqueue(app, 1, prefix="refused")
    assert processes.sweep_until_sent(app, ids) == {ids[0]: MessageStatus.SENT}
    assert sink.handler.refused == 3
    _assert_each_once(sink, app, ids)
    with app.app_context():
        message = db.session.get(OutboxMessage, ids[0])
        assert message.attempts == 4 and message.last_error is None
        db.session.remove()


def test_bad_input_fails_with_the_reason_and_the_others_go_on(shared, sink):
    app, _, log = shared
    sink.handler.reject = {"rebond@exemple.fr"}
    with app.app_context():
        bounced = enqueue_message(
            Channel.EMAIL, "rebond@exemple.fr", "numbered", {"number": 1}, idempotency_key="bad:bounce"
        ).id
        bad_phone = enqueue_message(
            Channel.SMS, "04 90 00 00 00", "rappel", {"when": "demain"}, idempotency_key="bad:phone"
        ).id
        missing = enqueue_message(Channel.EMAIL, "a@exemple.fr", "numbered", {}, idempotency_key="bad:missing").id
        db.session.commit()
        db.session.remove()
    good = _enqueue(app, 3, prefix="good")
    final = processes.sweep_until_sent(app, [bounced, bad_phone, missing, *good])
    assert [final[i] for i in good] == [MessageStatus.SENT] * 3
    with app.app_context():
        errors = {
            m.id: m.last_error
            for m in db.session.execute(
                db.select(OutboxMessage).where(OutboxMessage.id.in_([bounced, bad_phone, missing]))
            ).scalars()
        }
        db.session.remove()
    assert final[bounced] is final[bad_phone] is final[missing] is MessageStatus.FAILED
    assert "550" in errors[bounced] and "pas un mobile" in errors[bad_phone]
    assert "variable manquante" in errors[missing]
    _assert_each_once(sink, app, good)
    after = _enqueue(app, 1, prefix="still-alive")  # the worker did not crash
    sink.wait_for(4)
    assert statuses(app, after) == {after[0]: MessageStatus.SENT}


def test_broker_down_at_commit_then_the_sweep_delivers_each_once(shared, sink):
    app, url, _ = shared
    dead = producer_app(url, "redis://127.0.0.1:1/0")
    started = time.monotonic()
    ids = _enqueue(dead, 20, prefix="dead-broker")  # commit succeeds; the hand-over fails quietly
    assert time.monotonic() - started < 5
    assert set(statuses(app, ids).values()) == {MessageStatus.PENDING}
    time.sleep(0.5)
    assert sink.handler.counts() == {}
    with dead.app_context():  # the sweep with the broker still down: nothing lost, nothing raised
        from orientation.notifications.delivery import sweep

        assert sweep() == 0
        db.session.remove()
    assert set(processes.sweep_until_sent(app, ids).values()) == {MessageStatus.SENT}
    _assert_each_once(sink, app, ids)


def test_redis_stopped_while_messages_are_created_then_restarted(sink, tmp_path):
    broker = PrivateRedis(tmp_path / "redis.log")
    broker.start()
    with database("notif_redis") as url:
        process = start_worker(url, broker.url, sink.port, tmp_path / "worker.log", name="notif-redis")
        try:
            app = producer_app(url, broker.url)
            before = _enqueue(app, 5, prefix="before")
            sink.wait_for(5)
            broker.stop()
            during = _enqueue(app, 10, prefix="during")  # Redis is down: commits still succeed
            assert set(statuses(app, during).values()) == {MessageStatus.PENDING}
            broker.start()  # same port: the worker reconnects
            final = processes.sweep_until_sent(app, before + during)
            assert set(final.values()) == {MessageStatus.SENT}
            _assert_each_once(sink, app, before + during)
        finally:
            stop(process)
            broker.stop()


def test_worker_killed_mid_batch_no_loss_no_duplicate(sink, tmp_path):
    """SIGKILL while the worker is inside an SMTP transaction (the sink holds message 60 of 200)."""
    broker = PrivateRedis(tmp_path / "redis.log")
    broker.start()
    sink.handler.delay = 0.002
    sink.handler.hold_at = 60
    with database("notif_kill") as url:
        first = start_worker(url, broker.url, sink.port, tmp_path / "worker-1.log", name="notif-kill-1")
        second = None
        try:
            app = producer_app(url, broker.url)
            ids = _enqueue(app, 200, prefix="batch")
            assert sink.handler.held.wait(20), "the sink never received message 60"
            processes.kill(first)
            sink.handler.release.set()  # the interrupted transaction is refused, never recorded
            accepted_before_kill = len(sink.handler.accepted)
            assert 50 <= accepted_before_kill < 200
            in_flight = statuses(app, ids)
            assert MessageStatus.SENDING in in_flight.values() and MessageStatus.PENDING in in_flight.values()
            second = start_worker(url, broker.url, sink.port, tmp_path / "worker-2.log", name="notif-kill-2")
            final = processes.sweep_until_sent(app, ids)
            assert set(final.values()) == {MessageStatus.SENT}
            _assert_each_once(sink, app, ids)
            assert len(sink.handler.accepted) == 200
        finally:
            for process in (first, second):
                if process is not None:
                    stop(process)
            broker.stop()
