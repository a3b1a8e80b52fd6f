"""Two people decide on one orientation at the same moment: exactly one wins (real PostgreSQL rows)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from orientation import create_app
from orientation.extensions import db
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import Orientation, OrientationEvent
from orientation.territory.operations import load_territory
from tests.conftest import create_database, drop_database, testing_config
from tests.referrals import builders as rb


@pytest.fixture(scope="module")
def committed_app():
    url = create_database("referrals_concurrency")
    app = create_app(testing_config(url))
    with app.app_context():
        db.create_all()
        load_territory()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


def _decide(app, orientation_id, user_id, to_status, barrier, results):
    with app.app_context():
        try:
            orientation = db.session.get(Orientation, orientation_id)
            user = db.session.get(rb.User, user_id)
            _ = user.memberships, orientation.version  # loaded before the race
            barrier.wait(timeout=10)
            lifecycle.transition(
                orientation, to_status, actor=user, reason=Reason.FULL if to_status is S.DECLINED else None
            )
            db.session.commit()
            results.append(("won", to_status))
        except lifecycle.TransitionConflict as conflict:
            db.session.rollback()
            results.append(("conflict", str(conflict)))
        finally:
            db.session.remove()


@pytest.mark.no_db_transaction
@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_decisions_exactly_one_wins(committed_app, attempt):
    with committed_app.app_context():
        world = rb.scenario()
        orientation = world.orientation(S.RECEIVED)
        ids = orientation.id, world.receiver.id
        second_receiver = rb.member(world.receiver_org, first_name="Deuxième")
        db.session.commit()
        second_id = second_receiver.id
    barrier, results = threading.Barrier(2), []
    threads = [
        threading.Thread(target=_decide, args=(committed_app, ids[0], ids[1], S.ACCEPTED, barrier, results)),
        threading.Thread(target=_decide, args=(committed_app, ids[0], second_id, S.DECLINED, barrier, results)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["conflict", "won"], results
    winner = next(status for kind, status in results if kind == "won")
    loser_message = next(message for kind, message in results if kind == "conflict")
    assert "en même temps que vous" in loser_message
    with committed_app.app_context():
        orientation = db.session.get(Orientation, ids[0])
        assert orientation.status is winner and orientation.version == 4
        decisions = db.session.scalars(
            sa.select(OrientationEvent.to_status).where(
                OrientationEvent.orientation_id == ids[0], OrientationEvent.to_status.in_([S.ACCEPTED, S.DECLINED])
            )
        )
        assert list(decisions) == [winner]
        db.session.remove()
