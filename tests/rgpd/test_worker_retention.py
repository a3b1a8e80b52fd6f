"""The daily retention task run by a real Celery worker process, as beat would start it."""

from __future__ import annotations

import time

import pytest
import redis

from orientation.extensions import db
from orientation.notifications.models import OutboxMessage
from orientation.people.models import Person
from orientation.territory.operations import load_territory
from tests.notifications import processes
from tests.notifications.smtp_sink import SmtpSink
from tests.rgpd.builders import SECRETS, age, full_file

pytestmark = [pytest.mark.worker, pytest.mark.no_db_transaction]


def test_a_real_worker_runs_the_daily_retention(tmp_path):
    with SmtpSink() as sink, processes.database("rgpd_worker") as url:
        folder = tmp_path / "attachments"
        app = processes.producer_app(url, processes.SHARED_BROKER, ATTACHMENTS_FOLDER=str(folder))
        with app.app_context():
            load_territory()
            full = full_file()
            old_id, idle_id = full.person.id, full.receiver.id
            age([old_id])
            db.session.get(type(full.receiver), idle_id).last_login_at = None
            db.session.commit()
            db.session.remove()
        worker = processes.start_worker(
            url,
            processes.SHARED_BROKER,
            sink.port,
            tmp_path / "worker.log",
            name="rgpd",
            extra_env={"RGPD_USER_INACTIVITY_MONTHS": "0", "ATTACHMENTS_FOLDER": str(folder)},
        )
        try:
            with app.app_context():
                app.extensions["celery"].send_task("rgpd.apply_retention")
            deadline = time.monotonic() + 30
            while True:
                with app.app_context():
                    person = db.session.get(Person, old_id)
                    anonymised, name = person.anonymised_at, person.full_name
                    warned = db.session.scalar(
                        db.select(db.func.count())
                        .select_from(OutboxMessage)
                        .where(OutboxMessage.template == "rgpd_inactive_account")
                    )
                    db.session.remove()
                if anonymised is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert anonymised is not None, (tmp_path / "worker.log").read_text()[-3000:]
            assert name == "Personne anonymisée" and SECRETS["phone"] not in name
            assert not any(path.is_file() for path in folder.rglob("*"))  # the attached document is gone
            assert warned >= 1  # every account is "idle" for a 0-month setting: each is warned first
        finally:
            processes.stop(worker)
            redis.Redis.from_url(processes.SHARED_BROKER).delete(processes.QUEUE)
