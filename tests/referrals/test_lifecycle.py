"""The whole transition table: every (from, to) pair for every side, reasons, outcomes, events, versions."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from orientation.extensions import db
from orientation.people.models import NeedStatus
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import (
    FHIR_TASK_STATUS,
    STATUS_FROM_FHIR,
    TRANSITIONS,
    InvalidTransition,
    OrientationStatus,
    Outcome,
    Reason,
    Side,
    TransitionConflict,
    TransitionError,
    TransitionForbidden,
)
from orientation.referrals.models import OrientationEvent

S = OrientationStatus
ACTORS = ["sender", "receiver", "system", "outsider"]
SIDE_OF_ACTOR = {"sender": Side.SENDER, "receiver": Side.RECEIVER, "system": Side.SYSTEM, "outsider": None}


def _actor(world, name):
    return None if name == "system" else getattr(world, name)


def _events(orientation) -> list[OrientationEvent]:
    return list(
        db.session.scalars(
            sa.select(OrientationEvent)
            .where(OrientationEvent.orientation_id == orientation.id)
            .order_by(OrientationEvent.id)
        )
    )


@pytest.mark.parametrize(
    ("from_status", "to_status", "actor_name"),
    list(itertools.product(list(S), list(S), ACTORS)),
    ids=lambda value: str(value),
)
def test_transition_table(world, from_status, to_status, actor_name):
    orientation = world.orientation(from_status)
    rule = TRANSITIONS.get((from_status, to_status))
    allowed = rule is not None and SIDE_OF_ACTOR[actor_name] in rule.sides
    if actor_name == "receiver" and from_status is S.DRAFT:
        allowed = False  # a draft is invisible to the receiver
    reason = rule.reasons[0] if rule and rule.reasons else None
    if reason is Reason.CONSENT_WITHDRAWN and actor_name != "system":
        reason = Reason.OTHER
    outcome = Outcome.PARTLY_MET if rule and rule.needs_outcome else None
    before = orientation.version
    events_before = len(_events(orientation))
    if allowed:
        event = lifecycle.transition(
            orientation, to_status, actor=_actor(world, actor_name), reason=reason, note="précision", outcome=outcome
        )
        assert orientation.status is to_status
        assert orientation.version == before + 1
        assert (event.from_status, event.to_status, event.side) == (from_status, to_status, SIDE_OF_ACTOR[actor_name])
        assert event.reason == reason and event.outcome == outcome and event.version == before + 1
        assert len(_events(orientation)) == events_before + 1
        assert (orientation.closed_at is not None) == to_status.is_closed
    else:
        with pytest.raises(TransitionError) as refused:
            lifecycle.transition(
                orientation,
                to_status,
                actor=_actor(world, actor_name),
                reason=reason,
                note="précision",
                outcome=outcome,
            )
        assert str(refused.value)  # a French message for the user
        db.session.refresh(orientation)
        assert orientation.status is from_status and orientation.version == before
        assert len(_events(orientation)) == events_before


@pytest.mark.parametrize(
    ("pair", "rule"),
    [pytest.param(pair, rule, id=f"{pair[0]}-{pair[1]}") for pair, rule in TRANSITIONS.items() if rule.reasons],
)
def test_reason_is_required_and_checked(world, pair, rule):
    from_status, to_status = pair
    orientation = world.orientation(from_status)
    actor = None if rule.sides == lifecycle.SYSTEM else (world.sender if Side.SENDER in rule.sides else world.receiver)
    with pytest.raises(InvalidTransition, match="motif"):
        lifecycle.transition(orientation, to_status, actor=actor)
    with pytest.raises(InvalidTransition, match="motif"):
        lifecycle.transition(orientation, to_status, actor=actor, reason="pas-un-motif")
    wrong = next(reason for reason in Reason if reason not in rule.reasons)
    with pytest.raises(InvalidTransition, match="ne convient pas"):
        lifecycle.transition(orientation, to_status, actor=actor, reason=wrong)
    if Reason.OTHER in rule.reasons:
        with pytest.raises(InvalidTransition, match="Précisez"):
            lifecycle.transition(orientation, to_status, actor=actor, reason=Reason.OTHER, note="  ")
    assert orientation.status is from_status


@pytest.mark.parametrize("from_status", [S.ACCEPTED, S.IN_PROGRESS])
def test_outcome_is_required_on_completion(world, from_status):
    orientation = world.orientation(from_status)
    with pytest.raises(InvalidTransition, match="résultat"):
        lifecycle.transition(orientation, S.COMPLETED, actor=world.receiver)
    with pytest.raises(InvalidTransition, match="résultat"):
        lifecycle.transition(orientation, S.COMPLETED, actor=world.receiver, outcome="génial")
    lifecycle.transition(orientation, S.COMPLETED, actor=world.receiver, outcome=Outcome.NOT_MET)
    assert orientation.outcome is Outcome.NOT_MET and orientation.status is S.COMPLETED


def test_an_outcome_outside_completion_is_refused(world):
    orientation = world.orientation(S.RECEIVED)
    with pytest.raises(InvalidTransition, match="résultat"):
        lifecycle.transition(orientation, S.ACCEPTED, actor=world.receiver, outcome=Outcome.MET)


def test_need_met_closes_the_need_but_not_met_keeps_it_open(world):
    first = world.orientation(S.IN_PROGRESS)
    lifecycle.transition(first, S.COMPLETED, actor=world.receiver, outcome=Outcome.NOT_MET)
    db.session.refresh(world.need)
    assert world.need.status is NeedStatus.OPEN  # the parcours goes on: another orientation
    second = world.orientation(S.IN_PROGRESS)
    lifecycle.transition(second, S.COMPLETED, actor=world.receiver, outcome=Outcome.MET)
    db.session.refresh(world.need)
    assert world.need.status is NeedStatus.MET and world.need.closed_at is not None


def test_forged_status_is_refused(world):
    orientation = world.orientation(S.RECEIVED)
    with pytest.raises(InvalidTransition, match="n'existe pas"):
        lifecycle.transition(orientation, "validated", actor=world.receiver)


def test_stale_version_is_a_conflict(world):
    orientation = world.orientation(S.RECEIVED)
    seen = orientation.version
    lifecycle.transition(orientation, S.ACCEPTED, actor=world.receiver)
    with pytest.raises(TransitionConflict, match="en même temps"):
        lifecycle.transition(orientation, S.IN_PROGRESS, actor=world.receiver, expected_version=seen)
    assert orientation.status is S.ACCEPTED


def test_decision_on_a_decided_orientation_says_so(world):
    orientation = world.orientation(S.DECLINED)
    with pytest.raises(InvalidTransition, match="déjà « Refusée »"):
        lifecycle.transition(orientation, S.ACCEPTED, actor=world.receiver)


def test_side_messages(world):
    orientation = world.orientation(S.RECEIVED)
    with pytest.raises(TransitionForbidden, match="Seule la structure destinataire"):
        lifecycle.transition(orientation, S.ACCEPTED, actor=world.sender)
    with pytest.raises(TransitionForbidden, match="automatiquement"):
        lifecycle.transition(orientation, S.EXPIRED, actor=world.sender, reason=Reason.NO_ANSWER)


def test_consent_withdrawn_reason_is_for_the_system_only(world):
    orientation = world.orientation(S.SENT)
    with pytest.raises(InvalidTransition, match="ne convient pas"):
        lifecycle.transition(orientation, S.CANCELLED, actor=world.sender, reason=Reason.CONSENT_WITHDRAWN)


def test_timestamps_follow_the_lifecycle(world):
    orientation = world.orientation(S.SENT)
    assert orientation.sent_at and orientation.expires_at > orientation.sent_at
    assert orientation.decision_due_at > orientation.sent_at and orientation.received_at is None
    lifecycle.transition(orientation, S.ACCEPTED, actor=world.receiver)  # deciding at once implies reception
    assert orientation.received_at is not None and orientation.decided_at is not None
    assert orientation.closed_at is None


def test_events_are_immutable(world):
    event = _events(world.orientation(S.SENT))[-1]
    event.note = "réécrire l'histoire"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_every_status_maps_to_a_fhir_task_status():
    import json
    from pathlib import Path

    reference = Path(__file__).resolve().parents[3] / "shared/reference/intl/fhir-task-status.json"
    codes = {item["code"] for item in json.loads(reference.read_text())["codes"]} if reference.exists() else None
    assert set(FHIR_TASK_STATUS) == set(S)
    if codes:
        assert set(FHIR_TASK_STATUS.values()) <= codes and set(STATUS_FROM_FHIR) <= codes
    for fhir, status in STATUS_FROM_FHIR.items():
        assert FHIR_TASK_STATUS[status] == fhir
