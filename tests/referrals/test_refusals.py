"""The refusals of the orientation and rendez-vous machines: machine codes, HTTP statuses, French and
English messages, read as they are by the pages and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.referrals import appointment_lifecycle, lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import AppointmentEvent, AppointmentStatus
from orientation.statemachine import TransitionRefused

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _refusal(action) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        action()
    return refused.value


def test_orientation_refusals(world):
    received = world.orientation(S.RECEIVED)
    cases = [
        (
            lambda: lifecycle.transition(received, S.DECLINED, actor=world.receiver),
            ("reason_required", 422, "Indiquez un motif pour « Refuser ».", None),
        ),
        (
            lambda: lifecycle.transition(received, S.DECLINED, actor=world.receiver, reason=Reason.OTHER),
            ("note_required", 422, None, "Explain the reason 'other' in 'note'."),
        ),
        (
            lambda: lifecycle.transition(received, S.ACCEPTED, actor=world.sender),
            ("forbidden", 403, None, "Only the receiving organisation may make this change."),
        ),
        (
            lambda: lifecycle.transition(received, S.EXPIRED, actor=world.sender, reason=Reason.NO_ANSWER),
            ("system_only", 403, None, "This change is made automatically; it cannot be asked for."),
        ),
        (
            lambda: lifecycle.transition(received, S.COMPLETED, actor=world.receiver),
            ("illegal_transition", 422, None, "An orientation in status 'received' cannot move to 'completed'."),
        ),
        (
            lambda: lifecycle.transition(received, "validée", actor=world.receiver),
            ("unknown_state", 422, "Ce statut n'existe pas : l'action a été refusée.", None),
        ),
        (
            lambda: lifecycle.transition(received, S.ACCEPTED, actor=world.receiver, expected_version=99),
            (
                "conflict",
                409,
                None,
                "Someone changed the orientation at the same time: nothing was saved; read it again.",
            ),
        ),
    ]
    for action, (code, status, french, english) in cases:
        refusal = _refusal(action)
        assert (refusal.code, refusal.status) == (code, status), refusal
        assert french is None or str(refusal) == french
        assert english is None or refusal.message("en") == english
    assert received.status is S.RECEIVED and len(received.events) == 3


def test_the_orientation_page_answers_with_the_refusals_status(world, logged_in):
    orientation = world.orientation(S.RECEIVED)
    page = f"/orientations/{orientation.id}"
    forbidden = logged_in(world.sender).submit(f"{page}/statut", {"to_status": "accepted"}, page=page)
    assert forbidden.status_code == 403 and "Seule la structure destinataire" in forbidden.get_data(as_text=True)


def test_appointment_refusals_and_event(world):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(hours=1))
        early = _refusal(lambda: operations.record_appointment_status(appointment, user=world.receiver, status="done"))
        assert (early.code, early.status, early.form_status) == ("too_early", 422, 400)
        assert "heure venue" in str(early)
        assert early.message("en") == (
            "Planned appointments are cancelled before their time, marked done or missed after it, once."
        )
        sender = _refusal(
            lambda: operations.record_appointment_status(appointment, user=world.sender, status="cancelled")
        )
        assert (sender.code, sender.status) == ("forbidden", 403)
        assert sender.message("en") == "Only the receiving organisation sets and follows appointments."
        frozen.advance(hours=2)
        late = _refusal(
            lambda: operations.record_appointment_status(appointment, user=world.receiver, status="cancelled")
        )
        assert late.code == "too_late" and "notez-le honoré" in str(late)
        operations.record_appointment_status(appointment, user=world.receiver, status="missed")
        again = _refusal(lambda: appointment_lifecycle.transition(appointment, "done", actor=world.receiver))
        assert again.code == "illegal_transition" and str(again) == "Ce rendez-vous est déjà noté « non honoré »."
    assert appointment.status is AppointmentStatus.MISSED and appointment.version == 2
    (event,) = db.session.scalars(sa.select(AppointmentEvent).where(AppointmentEvent.appointment_id == appointment.id))
    assert (event.from_status, event.to_status, event.actor_user_id, event.version) == (
        AppointmentStatus.PLANNED,
        AppointmentStatus.MISSED,
        world.receiver.id,
        2,
    )
    event.version = 5
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
