"""Two sweeps at once, on two connections of real PostgreSQL: each follow-up is claimed and sent once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.followups.models import SentFollowUp
from orientation.followups.sweep import run_sweep
from orientation.notifications.models import OutboxMessage
from orientation.referrals.lifecycle import OrientationStatus as S
from tests import race
from tests.referrals import builders as rb

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris


@pytest.fixture(scope="module")
def committed_app():
    # Delivery is not what is tested (and would need the mail backend in two threads).
    with race.committed_app("followups_concurrency", NOTIFICATIONS_DELIVER_INLINE=False) as app:
        yield app


def _sweep(app, barrier, results):
    with app.app_context():
        try:
            barrier.wait(timeout=10)
            report = run_sweep(only="referrals.unopened")
            db.session.commit()
            results.append(report["referrals.unopened"])
        except Exception as error:  # reported to the test, which fails on it
            db.session.rollback()
            results.append(error)
        finally:
            db.session.remove()


@pytest.mark.no_db_transaction
@pytest.mark.parametrize("attempt", range(3))
def test_two_sweeps_at_once_send_each_reminder_once(committed_app, attempt):
    with clock.frozen(MONDAY) as frozen:
        with committed_app.app_context():
            world = rb.scenario()
            orientations = [world.orientation(S.SENT).id for _ in range(3)]
            receiver_email = world.receiver.email
            db.session.commit()
        frozen.advance(days=2, minutes=1)  # two working days: all three are due
        barrier, results = threading.Barrier(2), []
        threads = [threading.Thread(target=_sweep, args=(committed_app, barrier, results)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert all(isinstance(count, int) for count in results), results
    assert sum(results) == 3, results  # each orientation won by exactly one of the two sweeps
    with committed_app.app_context():
        claims = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SentFollowUp)
            .where(SentFollowUp.rule == "referrals.unopened", SentFollowUp.subject_id.in_(orientations))
        )
        messages = db.session.scalars(
            sa.select(OutboxMessage.recipient).where(
                OutboxMessage.template == "orientation_unopened", OutboxMessage.subject_id.in_(orientations)
            )
        ).all()
        db.session.remove()
    assert claims == 3
    assert messages == [receiver_email] * 3  # one message per orientation, not two
