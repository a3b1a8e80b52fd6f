"""After the rendez-vous: the receiver says whether the person came; before it, they may cancel it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orientation import clock
from orientation.extensions import db
from orientation.followups.sweep import run_sweep
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.referrals import operations
from orientation.referrals.models import AppointmentStatus

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris


def _mark(client, appointment, status):
    page = f"/orientations/{appointment.orientation_id}"
    return client.submit(f"/orientations/rendez-vous/{appointment.id}/suite", {"status": status}, page=page)


def test_once_its_time_has_come_the_receiver_says_the_person_did_not_come(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(minutes=20))
        receiver = logged_in(world.receiver)
        page = receiver.get(f"/orientations/{appointment.orientation_id}").get_data(as_text=True)
        assert 'value="cancelled"' in page and 'value="missed"' not in page  # still to come
        too_early = _mark(receiver, appointment, "missed")
        assert too_early.status_code == 400 and "une fois son heure venue" in too_early.get_data(as_text=True)
        frozen.advance(minutes=25)  # within the session's idle limit
        assert _mark(receiver, appointment, "missed").status_code == 302
        db.session.refresh(appointment)
        assert appointment.status is AppointmentStatus.MISSED
        assert appointment.status_changed_by_id == world.receiver.id and appointment.status_changed_at is not None
        seen_by_sender = logged_in(world.sender).get(f"/orientations/{appointment.orientation_id}")
        assert "(non honoré, noté le" in seen_by_sender.get_data(as_text=True)
        again = _mark(receiver, appointment, "done")
        assert again.status_code == 400 and "déjà noté" in again.get_data(as_text=True)


def test_only_the_receiver_marks_it(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(hours=2))
        frozen.advance(hours=3)
        assert _mark(logged_in(world.sender), appointment, "done").status_code == 403
        assert _mark(logged_in(world.outsider), appointment, "done").status_code in (403, 404)
        db.session.refresh(appointment)
        assert appointment.status is AppointmentStatus.PLANNED


def test_an_unknown_answer_is_refused_in_french(world, logged_in):
    appointment = world.appointment(MONDAY + timedelta(days=400))
    response = _mark(logged_in(world.receiver), appointment, "planned")
    assert response.status_code == 400 and "Action refusée" in response.get_data(as_text=True)
    db.session.refresh(appointment)
    assert appointment.status is AppointmentStatus.PLANNED


def test_cancelling_takes_the_pending_reminder_with_it(world):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(hours=20))
        frozen.advance(minutes=5)
        assert run_sweep()["referrals.appointment"] == 1
        operations.record_appointment_status(appointment, user=world.receiver, status="cancelled")
    (reminder,) = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.template == "appointment_reminder"))
    assert reminder.status is MessageStatus.CANCELLED and appointment.status is AppointmentStatus.CANCELLED


def test_the_appointment_note_is_shown_to_the_receiver_only(world, logged_in):
    appointment = world.appointment(MONDAY + timedelta(days=400))
    appointment.note = "Apporter la carte Vitale"
    db.session.flush()
    url = f"/orientations/{appointment.orientation_id}"
    assert "Apporter la carte Vitale" in logged_in(world.receiver).get(url).get_data(as_text=True)
    assert "Apporter la carte Vitale" not in logged_in(world.sender).get(url).get_data(as_text=True)
