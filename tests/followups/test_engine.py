"""The follow-up engine itself: rules as data, one claim per occurrence, working days, settings and
per-service overrides, a rule on services (the slot of the freshness e-mail), the rendez-vous rule's
conditions — with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orientation import clock
from orientation.directory.models import Service
from orientation.extensions import db
from orientation.followups import overrides, rules
from orientation.followups.models import SentFollowUp
from orientation.followups.rules import Delay, Notice, Recipient, Rule, Unit
from orientation.followups.sweep import due_subjects, run_sweep
from orientation.notifications.models import OutboxMessage
from orientation.referrals import lifecycle
from orientation.referrals import operations as referral_operations
from orientation.referrals.followups import EXPIRY, UNDECIDED, UNOPENED
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import ServiceFollowUpSetting

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris, an ordinary week
THURSDAY_BEFORE_MAY_DAY = datetime(2026, 4, 30, 7, 0, tzinfo=UTC)  # 9:00 in Paris; Friday 1 May is a holiday

FRESHNESS = Delay("test.freshness", "FOLLOWUP_TEST_FRESHNESS_WORKING_DAYS", Unit.WORKING_DAYS)


def _contact_of(service: Service) -> list[Recipient]:
    return [Recipient("email", service.courriel)] if service.courriel else []


FRESHNESS_RULE = Rule(
    "test.service_freshness",
    Service,
    since=Service.confirmed_at,
    delay=FRESHNESS,
    where=lambda now: [Service.accepts_orientations.is_(True)],
    notices=(Notice("service_freshness", _contact_of, "service:{id}:freshness:{occurrence:%Y%m%d%H%M%S}", "service"),),
    context=lambda service, _recipient, _due: {"service": service},
)


@pytest.fixture
def freshness_rule(app):
    """A rule on services, as the freshness e-mail will declare one (registered for one test only)."""
    app.config[FRESHNESS.setting] = 2
    rules.register(FRESHNESS_RULE)
    yield FRESHNESS_RULE
    rules.RULES.pop(FRESHNESS_RULE.name)
    rules.DELAYS.pop(FRESHNESS.name)
    del app.config[FRESHNESS.setting]


def _messages(template: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
        )
    )


def _confirm(service: Service, at: datetime) -> None:
    service.confirmed_at = at
    service.courriel = "accueil@mediation.example"
    db.session.flush()


def test_a_rule_on_services_fires_once_per_occurrence_and_again_when_its_timestamp_moves(world, freshness_rule):
    with clock.frozen(MONDAY) as frozen:
        _confirm(world.service, MONDAY)
        frozen.advance(days=1)
        assert run_sweep(only="test.")["test.service_freshness"] == 0
        frozen.advance(days=1, minutes=1)  # Wednesday 9:01: two working days
        assert run_sweep(only="test.")["test.service_freshness"] == 1
        assert run_sweep(only="test.")["test.service_freshness"] == 0  # claimed: a second sweep sends nothing
        _confirm(world.service, frozen.now)  # confirmed again: a new occurrence
        assert run_sweep(only="test.")["test.service_freshness"] == 0
        frozen.advance(days=2)
        assert run_sweep(only="test.")["test.service_freshness"] == 1
    sent = _messages("service_freshness")
    assert [m.recipient for m in sent] == ["accueil@mediation.example"] * 2
    assert all(m.subject_type == "service" and m.subject_id == world.service.id for m in sent)
    claims = db.session.scalars(db.select(SentFollowUp).where(SentFollowUp.rule == "test.service_freshness")).all()
    assert len(claims) == 2


def test_working_days_skip_weekends_and_french_public_holidays(world, freshness_rule):
    with clock.frozen(THURSDAY_BEFORE_MAY_DAY) as frozen:
        _confirm(world.service, THURSDAY_BEFORE_MAY_DAY)
        frozen.advance(days=4, hours=1)  # Monday 4 May 10:00: Friday (1 May) and the weekend do not count
        assert due_subjects(freshness_rule, frozen.now) == {}
        frozen.advance(days=1)  # Tuesday 5 May 10:00: two working days
        ((occurrence, due_at),) = due_subjects(freshness_rule, frozen.now).values()
    assert occurrence == THURSDAY_BEFORE_MAY_DAY
    assert due_at == datetime(2026, 5, 5, 7, 0, tzinfo=UTC)  # Tuesday 9:00 in Paris


def test_a_setting_changes_every_due_date(app, world):
    with clock.frozen(MONDAY) as frozen:
        orientation = world.orientation(S.SENT)
        frozen.advance(days=2, minutes=1)  # Wednesday: two working days
        assert orientation.id in due_subjects(rules.RULES["referrals.unopened"], frozen.now)
        app.config[UNOPENED.setting] = 3
        try:
            assert orientation.id not in due_subjects(rules.RULES["referrals.unopened"], frozen.now)
        finally:
            app.config[UNOPENED.setting] = 2


def test_a_per_service_override_changes_the_due_date(world):
    overrides.set_service_overrides(world.service.id, {UNOPENED.name: 4, UNDECIDED.name: 7, EXPIRY.name: 10})
    with clock.frozen(MONDAY) as frozen:
        orientation = world.orientation(S.SENT)
        assert orientation.decision_due_at == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)  # 7 working days
        assert orientation.expires_at == MONDAY + timedelta(days=10)
        frozen.advance(days=3)  # Thursday: 3 working days, the service waits for 4
        assert due_subjects(rules.RULES["referrals.unopened"], frozen.now) == {}
        frozen.advance(days=1, minutes=1)
        ((_, due_at),) = due_subjects(rules.RULES["referrals.unopened"], frozen.now).values()
    assert due_at == MONDAY + timedelta(days=4)
    overrides.set_service_overrides(world.service.id, {UNOPENED.name: None, UNDECIDED.name: None, EXPIRY.name: None})
    other = world.orientation(S.SENT)  # without override: the settings
    assert other.expires_at - other.sent_at == timedelta(days=30)


def test_service_overrides_are_replaced_and_emptied(world):
    overrides.set_service_overrides(world.service.id, {UNOPENED.name: 4, EXPIRY.name: 10})
    overrides.set_service_overrides(world.service.id, {UNOPENED.name: None, EXPIRY.name: 12})
    assert overrides.get_service_overrides(world.service.id) == {EXPIRY.name: 12}
    assert overrides.days(UNOPENED, world.service.id) == 2 and overrides.days(EXPIRY, world.service.id) == 12
    assert db.session.scalar(db.select(db.func.count()).select_from(ServiceFollowUpSetting)) == 1


def test_a_closed_orientation_gets_no_appointment_reminder(world):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(hours=20))
        lifecycle.transition(appointment.orientation_id, S.ABANDONED, actor=world.receiver, reason=Reason.UNREACHABLE)
        frozen.advance(minutes=5)
        assert run_sweep(only="referrals.")["referrals.appointment"] == 0
    assert _messages("appointment_reminder") == []


def test_a_cancelled_appointment_gets_no_reminder(world):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(hours=20))
        referral_operations.record_appointment_status(appointment, user=world.receiver, status="cancelled")
        frozen.advance(minutes=5)
        assert run_sweep(only="referrals.")["referrals.appointment"] == 0
    assert _messages("appointment_reminder") == []


def test_a_rule_name_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        rules.register(Rule("referrals.unopened", Service, since=Service.confirmed_at))


def test_every_product_follow_up_is_a_registered_rule_and_its_delays_are_settings(app):
    assert {
        "referrals.expiry",
        "referrals.unopened",
        "referrals.undecided",
        "referrals.stalled",
        "referrals.appointment",
        "referrals.obtained_check",
        "cpam.no_first_contact",
        "cpam.stalled",
        "cpam.closed_from_orientation",
    } <= set(rules.RULES)
    for delay in rules.DELAYS.values():
        assert delay.setting.startswith("FOLLOWUP_") and isinstance(app.config[delay.setting], int), delay
    assert {d.field for d in rules.service_delays()} == {
        "reminder_unopened_days",
        "reminder_undecided_days",
        "expiry_days",
    }


def test_a_sweep_says_which_rules_met_the_batch(app, world, monkeypatch):
    """The flag behind the task queueing itself again: met when the batch is full, not when fewer were due."""
    monkeypatch.setitem(app.config, "FOLLOWUP_BATCH", 2)
    with clock.frozen(MONDAY) as frozen:
        for _ in range(3):
            world.orientation()
        frozen.advance(days=8)
        capped: set[str] = set()
        assert run_sweep(only="referrals.unopened", capped=capped) == {"referrals.unopened": 2}
        assert capped == {"referrals.unopened"}
        capped.clear()
        assert run_sweep(only="referrals.unopened", capped=capped) == {"referrals.unopened": 1}
        assert capped == set()
