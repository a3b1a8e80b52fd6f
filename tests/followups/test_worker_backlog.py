"""A backlog of due reminders is worked off by the worker at once, not one batch per beat: the sweep task
queues itself again while a rule meets FOLLOWUP_BATCH (a real Celery worker, Redis and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.followups.models import SentFollowUp
from orientation.territory.operations import load_territory
from tests.notifications import processes
from tests.notifications.smtp_sink import SmtpSink
from tests.referrals import builders as referral_builders

pytestmark = [pytest.mark.worker, pytest.mark.no_db_transaction, pytest.mark.xdist_group("followups-worker")]

ORIENTATIONS = 7


def _claims(app, rule: str) -> list[int]:
    with app.app_context():
        ids = db.session.scalars(sa.select(SentFollowUp.subject_id).where(SentFollowUp.rule == rule)).all()
        db.session.remove()
    return list(ids)


def test_one_beat_works_off_the_whole_backlog_in_batches(tmp_path):
    with processes.database("followup_backlog") as url, SmtpSink() as sink:
        app = processes.producer_app(url, processes.SHARED_BROKER, FOLLOWUP_BATCH=2)
        with app.app_context():
            load_territory()
            with clock.frozen(clock.now() - timedelta(days=8)):  # sent 8 days ago, never opened
                world = referral_builders.scenario()
                sent = [world.orientation().id for _ in range(ORIENTATIONS)]
            db.session.commit()
            db.session.remove()
        worker = processes.start_worker(
            url,
            processes.SHARED_BROKER,
            sink.port,
            tmp_path / "worker.log",
            name="backlog",
            extra_env={"FOLLOWUP_BATCH": "2"},
        )
        try:
            with app.app_context():
                app.extensions["celery"].send_task("followups.sweep")  # what beat does every 5 minutes
            deadline = time.monotonic() + 60
            while sorted(_claims(app, "referrals.unopened")) != sorted(sent):
                assert time.monotonic() < deadline, (_claims(app, "referrals.unopened"), sent)
                time.sleep(0.2)
            log = (tmp_path / "worker.log").read_text(errors="replace")
            assert log.count("Task followups.sweep[") >= ORIENTATIONS // 2  # batches of 2: the task went on alone
        finally:
            processes.stop(worker)
            redis.Redis.from_url(processes.SHARED_BROKER).delete(processes.QUEUE)
