"""Migration 0017 moves the claims of the two former engines and the services' delay columns, and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from orientation import clock, create_app
from orientation.extensions import db
from orientation.followups.models import SentFollowUp
from orientation.followups.overrides import get_service_overrides, set_service_overrides
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.territory.operations import load_territory
from tests.conftest import create_database, drop_database, testing_config
from tests.cpam import builders as cpam_builders
from tests.referrals import builders as rb

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BEFORE = "0015_service_change_indexes"


def _claims() -> set[tuple]:
    return set(db.session.execute(sa.select(SentFollowUp.rule, SentFollowUp.subject_id, SentFollowUp.occurrence)).all())


@pytest.mark.no_db_transaction
def test_claims_and_service_delays_survive_a_downgrade_and_an_upgrade():
    url = create_database("followups_migration")
    app = create_app(testing_config(url, NOTIFICATIONS_DELIVER_INLINE=False))
    try:
        with app.app_context(), clock.frozen(MONDAY):
            upgrade()
            load_territory()
            world = rb.scenario()
            set_service_overrides(world.service.id, {"referrals.unopened": 4, "referrals.expiry": 10})
            orientation = world.orientation(S.SENT)
            appointment = world.appointment(MONDAY + timedelta(days=1))
            case = cpam_builders.world().saisine()
            db.session.add_all(
                [
                    SentFollowUp(rule="referrals.unopened", subject_id=orientation.id, occurrence=orientation.sent_at),
                    SentFollowUp(
                        rule="referrals.appointment", subject_id=appointment.id, occurrence=appointment.starts_at
                    ),
                    SentFollowUp(rule="cpam.no_first_contact", subject_id=case.id, occurrence=case.filed_at),
                    SentFollowUp(rule="cpam.stalled", subject_id=case.id, occurrence=case.last_progress_at),
                ]
            )
            db.session.commit()
            claims, service_id, ids = _claims(), world.service.id, (orientation.id, appointment.id, case.id)
            db.session.remove()

            downgrade(revision=BEFORE)
            with db.engine.connect() as connection:
                service = connection.execute(
                    sa.text(
                        "SELECT reminder_unopened_days, reminder_undecided_days, expiry_days "
                        "FROM services WHERE id = :id"
                    ),
                    {"id": service_id},
                ).one()
                reminders = connection.execute(sa.text("SELECT orientation_id, key FROM orientation_reminders")).all()
                reminded = connection.execute(
                    sa.text("SELECT reminder_sent_at FROM appointments WHERE id = :id"), {"id": ids[1]}
                ).scalar_one()
                alerted = connection.execute(
                    sa.text("SELECT no_contact_alerted_at, stalled_alerted_for, last_progress_at FROM mas_cases")
                ).one()
            assert tuple(service) == (4, None, 10)
            assert reminders == [(ids[0], "unopened")]
            assert reminded is not None
            assert alerted.no_contact_alerted_at is not None and alerted.stalled_alerted_for == alerted.last_progress_at

            upgrade()
            assert _claims() == claims
            assert get_service_overrides(service_id) == {"referrals.unopened": 4, "referrals.expiry": 10}
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(url)
