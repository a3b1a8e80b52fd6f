"""Retention: inactive files anonymised (figures kept), unused accounts warned then deactivated; dry run; task."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.audit.models import PersonAccessLog
from orientation.cpam.models import MasCase, MedecinTraitantDeclaration
from orientation.cpam.queries import dashboard
from orientation.extensions import db
from orientation.notifications.models import OutboxMessage
from orientation.people.models import Need, Person
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Orientation, OrientationEvent
from orientation.rgpd import retention
from orientation.rgpd.export import collect
from orientation.rgpd.tasks import apply_retention
from tests.referrals import builders as rb
from tests.rgpd.builders import SECRETS, age


def _figures() -> dict:
    """What the steering figures are made of: counts by volet, status, outcome, commune, stage, dates."""

    def grouped(*columns, where=()):
        query = sa.select(*columns, sa.func.count()).where(*where).group_by(*columns).order_by(*columns)
        return [tuple(row) for row in db.session.execute(query)]

    return {
        "orientations": grouped(
            Orientation.volet,
            Orientation.status,
            Orientation.outcome,
            Orientation.receiver_organisation_id,
            Orientation.sent_at,
            Orientation.closed_at,
        ),
        "events": grouped(OrientationEvent.to_status, OrientationEvent.reason, OrientationEvent.at),
        "people": grouped(Person.organisation_id, Person.commune_code),
        "needs": grouped(Need.volet, Need.code, Need.status),
        "cases": grouped(MasCase.stage, MasCase.outcome, MasCase.commune_code, MasCase.filed_at, MasCase.closed_at),
        "declarations": grouped(MedecinTraitantDeclaration.commune_code),
        "dashboard": dashboard(exact=True),
    }


def _retention_entries() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(PersonAccessLog).where(PersonAccessLog.action == "anonymise")
    )


def test_dry_run_changes_nothing_and_shows_counts_and_ids_only(full, app):
    age([full.person.id])
    db.session.commit()
    before = json.dumps(collect(full.person.id).sections, default=str)
    result = app.test_cli_runner().invoke(args=["rgpd", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Simulation : rien n'a été modifié." in result.output
    assert f"à anonymiser : 1 ({full.person.id})" in result.output
    assert "Rosa" not in result.output and "Pereira" not in result.output and SECRETS["phone"] not in result.output
    db.session.expire_all()
    assert json.dumps(collect(full.person.id).sections, default=str) == before
    assert db.session.get(Person, full.person.id).anonymised_at is None


def test_real_run_anonymises_exactly_the_inactive_files_and_keeps_the_figures(full, app):
    old, busy_world, recent_world = full.person, rb.scenario(), rb.scenario()
    busy_world.orientation(S.ACCEPTED)  # old, but an orientation is under way
    age([old.id, busy_world.person.id])
    figures = _figures()
    result = app.test_cli_runner().invoke(args=["rgpd", "retention"])
    assert result.exit_code == 0, result.output
    assert f"à anonymiser : 1 ({old.id})" in result.output
    assert f"en cours) : 1 ({busy_world.person.id})" in result.output
    db.session.expire_all()
    assert db.session.get(Person, old.id).anonymised_at is not None
    assert db.session.get(Person, busy_world.person.id).first_name == "Lucie"
    assert db.session.get(Person, recent_world.person.id).anonymised_at is None
    dump = json.dumps(collect(old.id).sections, default=str)
    for secret in (*SECRETS.values(), "Rosa", "Pereira", "1958-04-02"):
        assert secret not in dump, secret
    assert _figures() == figures
    entry = db.session.scalars(
        sa.select(PersonAccessLog).where(PersonAccessLog.person_id == old.id, PersonAccessLog.action == "anonymise")
    ).one()
    assert entry.purpose == "rgpd.retention" and entry.user_id is None


def test_retention_is_idempotent(full):
    age([full.person.id])
    first = retention.run()
    assert first.people_to_anonymise == [full.person.id]
    entries = _retention_entries()
    second = retention.run()
    assert second.people_to_anonymise == [] and _retention_entries() == entries


def test_reading_a_file_is_not_activity_but_a_change_is(world, logged_in):
    age([world.person.id])
    logged_in(world.sender).get(f"/personnes/{world.person.id}")
    assert retention.plan().people_to_anonymise == [world.person.id]
    rb.need(world.person, user=world.sender)
    assert retention.plan().people_to_anonymise == []


def test_the_inactivity_period_is_a_setting(world, app):
    age([world.person.id], days=400)
    assert retention.plan().people_to_anonymise == []
    app.config["RGPD_PERSON_INACTIVITY_MONTHS"] = 12
    try:
        assert retention.plan().people_to_anonymise == [world.person.id]
    finally:
        app.config["RGPD_PERSON_INACTIVITY_MONTHS"] = 24


def test_unused_accounts_are_warned_then_deactivated_30_days_later(world, outbox):
    idle, active = world.receiver, world.sender
    now = clock.now()
    idle.last_login_at = now - timedelta(days=340)  # 11 months and some: the warning is due
    active.last_login_at = now - timedelta(days=2)
    db.session.flush()
    plan = retention.run(now)
    assert plan.users_to_warn == [idle.id] and plan.users_to_deactivate == []
    warning = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient_user_id == idle.id, OutboxMessage.template == "rgpd_inactive_account"
        )
    ).one()
    assert warning.recipient == idle.email
    db.session.commit()  # delivered after the commit (inline in tests)
    assert any("sera désactivé" in message.subject for message in outbox if message.to == [idle.email])
    assert retention.run(now + timedelta(days=1)).users_to_warn == []  # warned once
    assert retention.run(now + timedelta(days=20)).users_to_deactivate == []  # not a year yet
    later = retention.run(now + timedelta(days=31))
    assert later.users_to_deactivate == [idle.id]
    db.session.expire_all()
    assert idle.active is False and active.active is True
    from orientation.audit.models import SecurityEvent

    recorded = db.session.scalars(sa.select(SecurityEvent).where(SecurityEvent.kind == "account_deactivated")).all()
    assert [(event.user_id, event.detail) for event in recorded] == [(idle.id, {"months": 12})]


def test_an_account_idle_for_over_a_year_is_warned_first(world):
    idle = world.receiver
    idle.last_login_at = clock.now() - timedelta(days=500)
    db.session.flush()
    plan = retention.run()
    assert plan.users_to_warn == [idle.id] and plan.users_to_deactivate == []
    db.session.expire_all()
    assert idle.active is True


def test_logging_in_again_starts_over(world):
    idle = world.receiver
    now = clock.now()
    idle.last_login_at = now - timedelta(days=340)
    db.session.flush()
    retention.run(now)
    idle.last_login_at = now + timedelta(days=10)  # came back
    db.session.flush()
    plan = retention.run(now + timedelta(days=40))
    assert idle.id not in plan.users_to_deactivate and idle.id not in plan.users_to_warn


def test_the_daily_task_commits_and_reports(full):
    age([full.person.id])
    assert apply_retention()["people_anonymised"] == 1
    db.session.expire_all()
    assert db.session.get(Person, full.person.id).anonymised_at is not None
    assert apply_retention()["people_anonymised"] == 0


def test_the_task_is_scheduled_daily():
    from celery.schedules import crontab

    from worker.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["rgpd-apply-retention"]
    assert entry["task"] == "rgpd.apply_retention" and isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {3}
