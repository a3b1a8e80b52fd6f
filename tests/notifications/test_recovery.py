"""Recovery within a minute, with real processes and the production timings that decide it.

The claim timeout and the re-queue delay are the production defaults (not `processes.FAST`); only
the retry backoff stays fast (an SMTP refusal is not part of these faults). The sweep is run by the
test at the beat schedule's interval, its first run one interval after the fault ends (the worst
case: beat cannot reach a broker that is down, nor a worker that is dead).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from orientation.config import BaseConfig
from orientation.extensions import db
from orientation.notifications import delivery
from orientation.notifications.models import MessageStatus
from tests.notifications import processes
from tests.notifications.processes import PrivateRedis, database, producer_app, start_worker, statuses, stop
from tests.notifications.smtp_sink import SmtpSink
from tests.notifications.test_worker_delivery import _assert_each_once, _enqueue
from worker.schedule import BEAT_SCHEDULE

pytestmark = [pytest.mark.worker, pytest.mark.no_db_transaction, pytest.mark.xdist_group("notifications-worker")]

_DEFAULTS = BaseConfig(Path(tempfile.gettempdir())).settings()
PRODUCTION_TIMINGS = {name: _DEFAULTS[name] for name in ("NOTIFICATIONS_CLAIM_TIMEOUT", "NOTIFICATIONS_REQUEUE_AFTER")}
SWEEP_EVERY = BEAT_SCHEDULE["notifications-sweep-outbox"]["schedule"]
WITHIN = 60  # seconds after the fault ends


@pytest.fixture(scope="module")
def sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(autouse=True)
def _fresh_sink(sink):
    sink.handler.reset()


def _sweep_as_beat_until_sent(app, ids: list[int], since: float) -> tuple[dict[int, MessageStatus], float]:
    """Sweep every SWEEP_EVERY seconds from `since` (the first one after an interval) until every
    message is sent or WITHIN has passed; returns the statuses and when the last one was sent."""
    next_sweep = since + SWEEP_EVERY
    while True:
        current = statuses(app, ids)
        now = time.monotonic()
        if set(current.values()) == {MessageStatus.SENT} or now - since > WITHIN:
            return current, now - since
        if now >= next_sweep:
            with app.app_context():
                delivery.sweep()
                db.session.remove()
            next_sweep += SWEEP_EVERY
        time.sleep(0.2)


def test_the_production_timings_are_the_ones_that_recover_in_a_minute():
    claim, requeue = PRODUCTION_TIMINGS.values()
    assert claim + SWEEP_EVERY < WITHIN and SWEEP_EVERY < WITHIN / 2
    assert requeue >= 300  # the sweep's recovery does not rely on re-queueing everything often


def test_messages_created_while_redis_was_down_go_out_within_a_minute_of_its_return(sink, tmp_path):
    """Also the tasks Redis held when it stopped (no persistence: lost), handed over minutes before."""
    broker = PrivateRedis(tmp_path / "redis.log")
    broker.start()
    env = {name: str(value) for name, value in PRODUCTION_TIMINGS.items()}
    with database("notif_recover_redis") as url:
        process = start_worker(url, broker.url, sink.port, tmp_path / "w1.log", name="rec-redis-1", extra_env=env)
        try:
            app = producer_app(url, broker.url, **PRODUCTION_TIMINGS)
            with app.app_context():  # the sweep has run before the outage (it leaves its marker)
                delivery.sweep()
                db.session.remove()
            before = _enqueue(app, 5, prefix="before")
            sink.wait_for(5)
            stop(process)  # no worker for a while: the next tasks wait in Redis...
            queued = _enqueue(app, 10, prefix="queued")
            broker.stop()  # ...and are lost with it
            during = _enqueue(app, 20, prefix="during")  # commits succeed, the hand-overs fail
            assert set(statuses(app, queued + during).values()) == {MessageStatus.PENDING}
            time.sleep(2)
            broker.start()  # same port, empty
            back = time.monotonic()
            process = start_worker(url, broker.url, sink.port, tmp_path / "w2.log", name="rec-redis-2", extra_env=env)
            ids = before + queued + during
            final, elapsed = _sweep_as_beat_until_sent(app, ids, back)
            assert set(final.values()) == {MessageStatus.SENT}, f"not all sent {elapsed:.0f} s after Redis came back"
            assert elapsed <= WITHIN
            _assert_each_once(sink, app, ids)
        finally:
            stop(process)
            broker.stop()


def test_a_worker_killed_mid_delivery_has_its_messages_sent_within_a_minute(sink, tmp_path):
    """SIGKILL inside an SMTP transaction (the sink holds message 60 of 200): its batch stays claimed."""
    broker = PrivateRedis(tmp_path / "redis.log")
    broker.start()
    env = {name: str(value) for name, value in PRODUCTION_TIMINGS.items()}
    sink.handler.delay = 0.002
    sink.handler.hold_at = 60
    with database("notif_recover_kill") as url:
        first = start_worker(url, broker.url, sink.port, tmp_path / "w1.log", name="rec-kill-1", extra_env=env)
        second = None
        try:
            app = producer_app(url, broker.url, **PRODUCTION_TIMINGS)
            ids = _enqueue(app, 200, prefix="batch")
            assert sink.handler.held.wait(20), "the sink never received message 60"
            processes.kill(first)
            killed = time.monotonic()
            sink.handler.release.set()  # the interrupted transaction is refused, never recorded
            assert MessageStatus.SENDING in statuses(app, ids).values()
            second = start_worker(url, broker.url, sink.port, tmp_path / "w2.log", name="rec-kill-2", extra_env=env)
            final, elapsed = _sweep_as_beat_until_sent(app, ids, killed)
            assert set(final.values()) == {MessageStatus.SENT}, f"not all sent {elapsed:.0f} s after the kill"
            assert elapsed <= WITHIN
            _assert_each_once(sink, app, ids)
            assert len(sink.handler.accepted) == 200
        finally:
            for process in (first, second):
                if process is not None:
                    stop(process)
            broker.stop()
