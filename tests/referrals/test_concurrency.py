"""Two people decide on one orientation, or note one appointment, at the same moment: exactly one wins
(real PostgreSQL rows)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import Appointment, AppointmentEvent, AppointmentStatus, Orientation, OrientationEvent
from tests import race as race_module
from tests.race import race
from tests.referrals import builders as rb


@pytest.fixture(scope="module")
def committed_app():
    with race_module.committed_app("referrals_concurrency") as app:
        yield app


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


@pytest.mark.no_db_transaction
def test_the_loser_of_a_race_gets_the_conflict_refusal_with_its_code_and_messages(committed_app):
    with committed_app.app_context():
        world = rb.scenario()
        orientation = world.orientation(S.RECEIVED)
        second = rb.member(world.receiver_org, first_name="Deuxième")
        db.session.commit()
        orientation_id, users = orientation.id, (world.receiver.id, second.id)
        db.session.remove()

    def decide(user_id, to_status):
        def prepare():
            orientation, user = db.session.get(Orientation, orientation_id), db.session.get(rb.User, user_id)
            _ = user.memberships, orientation.version
            return orientation, user

        def act(loaded):
            reason = Reason.FULL if to_status is S.DECLINED else None
            lifecycle.transition(loaded[0], to_status, actor=loaded[1], reason=reason)
            return to_status

        return prepare, act

    results = race(committed_app, decide(users[0], S.ACCEPTED), decide(users[1], S.DECLINED))
    assert sorted(code for code, _ in results) == ["conflict", "won"], results
    refusal = next(value for code, value in results if code == "conflict")
    assert isinstance(refusal, lifecycle.TransitionConflict) and (refusal.status, refusal.form_status) == (409, 409)
    assert (
        refusal.message("en") == "Someone changed the orientation at the same time: nothing was saved; read it again."
    )


@pytest.mark.no_db_transaction
def test_two_notes_on_one_appointment_at_once_exactly_one_wins(committed_app):
    monday = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with clock.frozen(monday) as frozen:
        with committed_app.app_context():
            world = rb.scenario()
            appointment = world.appointment(monday + timedelta(hours=1))
            second = rb.member(world.receiver_org, first_name="Deuxième")
            db.session.commit()
            appointment_id, users = appointment.id, (world.receiver.id, second.id)
            db.session.remove()
        frozen.advance(hours=2)

        def note(user_id, status):
            def prepare():
                appointment, user = db.session.get(Appointment, appointment_id), db.session.get(rb.User, user_id)
                _ = user.memberships, appointment.version, appointment.orientation.receiver_organisation_id
                return appointment, user

            def act(loaded):
                operations.record_appointment_status(loaded[0], user=loaded[1], status=status)
                return status

            return prepare, act

        results = race(committed_app, note(users[0], AppointmentStatus.DONE), note(users[1], AppointmentStatus.MISSED))
    assert sorted(code for code, _ in results) == ["conflict", "won"], results
    winner = next(value for code, value in results if code == "won")
    refusal = next(value for code, value in results if code == "conflict")
    assert refusal.status == 409 and "en même temps que vous" in str(refusal)
    with committed_app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment.status is winner and appointment.version == 2
        events = db.session.scalars(
            sa.select(AppointmentEvent).where(AppointmentEvent.appointment_id == appointment_id)
        )
        assert [(event.from_status, event.to_status, event.version) for event in events] == [
            (AppointmentStatus.PLANNED, winner, 2)
        ]
        db.session.remove()
