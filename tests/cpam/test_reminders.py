"""The worker's MAS rules with a frozen clock: no first contact in 5 working days, no progress in 60 days."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from orientation import clock
from orientation.cpam import operations
from orientation.extensions import db
from orientation.followups.sweep import run_sweep
from orientation.followups.tasks import sweep as sweep_task
from orientation.notifications.models import OutboxMessage

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris
FRIDAY_BEFORE_EASTER = datetime(2026, 4, 3, 7, 0, tzinfo=UTC)  # Easter Monday 6 April 2026


def messages(template: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
        )
    )


def sweep() -> dict[str, int]:
    """One sweep of the CPAM area's rules: {rule name: cases handled}."""
    return run_sweep(only="cpam.")


def test_no_first_contact_after_five_working_days_alerts_the_team_once(cpam_world):
    with clock.frozen(MONDAY) as frozen:
        case = cpam_world.saisine()
        frozen.advance(days=6)  # Sunday: 4 working days
        assert sweep()["cpam.no_first_contact"] == 0
        frozen.advance(days=1, minutes=1)  # Monday 9:01: 5 working days
        assert sweep()["cpam.no_first_contact"] == 1
        assert sweep()["cpam.no_first_contact"] == 0
    alerts = messages("mas_no_first_contact")
    assert {m.recipient for m in alerts} == {cpam_world.conseiller.email, cpam_world.cpam_manager.email}
    assert all(m.subject_type == "mas_case" and m.subject_id == case.id for m in alerts)
    assert all(m.idempotency_key.startswith(f"mas:{case.id}:no-first-contact:user:") for m in alerts)


def test_working_days_skip_easter_monday(cpam_world):
    with clock.frozen(FRIDAY_BEFORE_EASTER) as frozen:
        cpam_world.saisine()
        frozen.advance(days=7, minutes=1)  # Friday 10 April: 4 working days (Monday was a holiday)
        assert sweep()["cpam.no_first_contact"] == 0
        frozen.advance(days=3)  # Monday 13 April: 5
        assert sweep()["cpam.no_first_contact"] == 1


def test_a_first_contact_in_time_means_no_alert(cpam_world):
    with clock.frozen(MONDAY) as frozen:
        case = cpam_world.saisine()
        frozen.advance(days=2)
        operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
        frozen.advance(days=10)
        assert sweep()["cpam.no_first_contact"] == 0
    assert messages("mas_no_first_contact") == []


def test_failed_attempts_do_not_count_as_first_contact(cpam_world):
    with clock.frozen(MONDAY) as frozen:
        case = cpam_world.saisine()
        operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=False, channel="phone", note=None)
        frozen.advance(days=8)
        assert sweep()["cpam.no_first_contact"] == 1


def test_sixty_days_without_progress_follow_up_again_after_new_progress(cpam_world):
    with clock.frozen(MONDAY) as frozen:
        case = cpam_world.saisine()
        operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
        frozen.advance(days=59)
        assert sweep()["cpam.stalled"] == 0
        frozen.advance(days=2)
        assert sweep()["cpam.stalled"] == 1
        assert sweep()["cpam.stalled"] == 0
        operations.add_note(case, user=cpam_world.conseiller, body="note")  # a note is not progress
        frozen.advance(days=1)
        assert sweep()["cpam.stalled"] == 0
        operations.record_financing(case, user=cpam_world.conseiller, aids=["fass"], note=None)
        frozen.advance(days=61)
        assert sweep()["cpam.stalled"] == 1
    assert len(messages("mas_stalled")) == 4  # two members, twice


def test_closed_cases_get_no_reminder(cpam_world):
    with clock.frozen(MONDAY) as frozen:
        case = cpam_world.saisine()
        operations.close_case(case, user=cpam_world.conseiller, outcome="no_follow_up", reason="Doublon")
        frozen.advance(days=90)
        report = sweep()
    assert (report["cpam.no_first_contact"], report["cpam.stalled"]) == (0, 0)


def test_the_task_commits_and_reports(cpam_world, outbox):
    with clock.frozen(MONDAY) as frozen:
        cpam_world.saisine()
        db.session.commit()
        frozen.advance(days=8)
        assert sweep_task()["cpam.no_first_contact"] == 1
    subjects = [m.subject for m in outbox if m.to == [cpam_world.conseiller.email]]
    assert any("sans premier contact" in subject for subject in subjects)
    assert all("Rosa" not in m.body for m in outbox)


def test_the_task_is_scheduled():
    from orientation.followups.rules import RULES
    from worker.schedule import BEAT_SCHEDULE

    assert any(entry["task"] == "followups.sweep" for entry in BEAT_SCHEDULE.values())
    assert {"cpam.no_first_contact", "cpam.stalled", "cpam.closed_from_orientation"} <= set(RULES)
