"""The loop without holes (issue #17): opening is receiving, closing settles the rendez-vous still planned,
and no reminder ever leaves for a closed orientation or a settled rendez-vous — through the real sweep."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.followups.sweep import run_sweep
from orientation.notifications.delivery import deliver
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from orientation.referrals.models import AppointmentStatus, OrientationEvent

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris, an ordinary week
TUESDAY_AFTERNOON = MONDAY + timedelta(days=1, hours=6)  # a rendez-vous 30 hours ahead


def reminders() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "appointment_reminder")))


def sweep_at_reminder_time(frozen) -> dict:
    frozen.advance(hours=10)  # 20 hours before the rendez-vous: its reminder is due, if any
    return run_sweep(only="referrals.")


# Opening is receiving --------------------------------------------------------------------------


def test_a_receiving_member_opening_the_page_marks_it_received_once(world, logged_in):
    orientation = world.orientation(S.SENT)
    db.session.commit()
    receiver = logged_in(world.receiver)
    page = receiver.get(f"/orientations/{orientation.id}")  # from the e-mail's link, not the inbox's button
    assert page.status_code == 200 and 'data-status="received"' in page.get_data(as_text=True)
    db.session.refresh(orientation)
    assert orientation.status is S.RECEIVED and orientation.received_at is not None
    assert orientation.events[-1].actor_user_id == world.receiver.id
    receiver.get(f"/orientations/{orientation.id}")  # again: nothing more
    events = db.session.scalars(sa.select(OrientationEvent).where(OrientationEvent.orientation_id == orientation.id))
    assert [e.to_status for e in events] == [S.DRAFT, S.SENT, S.RECEIVED]


def test_the_senders_view_and_an_outsider_never_acknowledge(world, logged_in):
    orientation = world.orientation(S.SENT)
    db.session.commit()
    assert logged_in(world.sender).get(f"/orientations/{orientation.id}").status_code == 200
    assert logged_in(world.outsider).get(f"/orientations/{orientation.id}").status_code == 403
    db.session.refresh(orientation)
    assert orientation.status is S.SENT


def test_an_opened_orientation_gets_no_not_opened_reminder(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        opened, unopened = world.orientation(S.SENT), world.orientation(S.SENT)
        db.session.commit()
        logged_in(world.receiver).get(f"/orientations/{opened.id}")
        frozen.advance(days=3)  # past the 2 working days
        assert run_sweep(only="referrals.unopened")["referrals.unopened"] == 1
    keys = [m.idempotency_key for m in db.session.scalars(sa.select(OutboxMessage))]
    assert any(f"orientation:{unopened.id}:unopened" in key for key in keys)
    assert not any(f"orientation:{opened.id}:unopened" in key for key in keys)


# Closing settles the rendez-vous; no reminder for a closed orientation --------------------------


def test_completing_with_a_planned_rendez_vous_asks_what_became_of_it_and_no_reminder_leaves(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(TUESDAY_AFTERNOON)
        orientation = appointment.orientation
        db.session.commit()
        receiver = logged_in(world.receiver)
        url = f"/orientations/{orientation.id}/statut"
        data = {"to_status": "completed", "outcome": "met"}
        asked = receiver.submit(url, data, page=f"/orientations/{orientation.id}")
        page = asked.get_data(as_text=True)
        assert asked.status_code == 200 and f'name="rendez_vous_{appointment.id}" value="cancelled"' in page
        assert "Un e-mail prévient EDeS de test" in page or "Un e-mail prévient" in page
        db.session.refresh(orientation)
        assert orientation.status is S.IN_PROGRESS  # nothing done before the confirmation
        answer = {f"rendez_vous_{appointment.id}": "cancelled", "confirmed": "1"}
        done = receiver.submit(url, {**data, **answer}, page=f"/orientations/{orientation.id}")
        assert done.status_code == 302
        db.session.refresh(appointment)
        assert appointment.status is AppointmentStatus.CANCELLED
        assert sweep_at_reminder_time(frozen)["referrals.appointment"] == 0
    assert reminders() == []


def test_closing_without_saying_what_became_of_the_rendez_vous_is_refused(world, logged_in):
    with clock.frozen(MONDAY):
        appointment = world.appointment(TUESDAY_AFTERNOON)
        db.session.commit()
        url = f"/orientations/{appointment.orientation_id}/statut"
        refused = logged_in(world.receiver).submit(
            url, {"to_status": "completed", "outcome": "met", "confirmed": "1"}, page=url.rsplit("/", 1)[0]
        )
    assert refused.status_code == 400 and "dites ce qu" in refused.get_data(as_text=True)
    db.session.refresh(appointment)
    assert appointment.status is AppointmentStatus.PLANNED and appointment.orientation.status is S.IN_PROGRESS


def test_a_rendez_vous_whose_time_came_is_noted_honoured_on_closing(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(MONDAY + timedelta(hours=2))
        db.session.commit()
        frozen.advance(hours=3)
        url = f"/orientations/{appointment.orientation_id}"
        receiver = logged_in(world.receiver)
        asked = receiver.submit(url + "/statut", {"to_status": "completed", "outcome": "met"}, page=url)
        assert 'value="done"' in asked.get_data(as_text=True) and 'value="cancelled"' not in asked.get_data(
            as_text=True
        )
        data = {"to_status": "completed", "outcome": "met", "confirmed": "1", f"rendez_vous_{appointment.id}": "done"}
        assert receiver.submit(url + "/statut", data, page=url).status_code == 302
    db.session.refresh(appointment)
    assert appointment.status is AppointmentStatus.DONE


def test_a_sender_cancelling_cancels_the_rendez_vous_to_come_and_its_reminder(world):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(TUESDAY_AFTERNOON)
        lifecycle.transition(appointment.orientation, S.CANCELLED, actor=world.sender, reason=Reason.DUPLICATE)
        db.session.refresh(appointment)
        assert appointment.status is AppointmentStatus.CANCELLED
        assert sweep_at_reminder_time(frozen)["referrals.appointment"] == 0
    assert reminders() == []


def test_withdrawing_consent_stops_the_rendez_vous_reminders(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(TUESDAY_AFTERNOON)
        db.session.commit()
        sender = logged_in(world.sender)
        url = f"/personnes/consentements/{appointment.orientation.consent_id}/retirer"
        asked = sender.submit(url, {}, page=f"/personnes/{world.person.id}")
        assert "Son rendez-vous du 3 mars 2026 à 15:00 est annulé" in asked.get_data(as_text=True)
        assert sender.submit(url, {"confirmed": "1"}, page=f"/personnes/{world.person.id}").status_code == 302
        db.session.refresh(appointment)
        assert appointment.status is AppointmentStatus.CANCELLED
        assert sweep_at_reminder_time(frozen)["referrals.appointment"] == 0
    assert reminders() == []


def test_a_reminder_already_queued_is_not_sent_once_the_orientation_closes(world):
    """Closed by any path (here the lifecycle, as the API does): the queued reminder is cancelled."""
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(TUESDAY_AFTERNOON)
        assert sweep_at_reminder_time(frozen)["referrals.appointment"] == 1
        (queued,) = reminders()
        lifecycle.transition(appointment.orientation, S.ABANDONED, actor=world.receiver, reason=Reason.UNREACHABLE)
        deliver([queued.id])
    db.session.refresh(queued)
    assert queued.status is MessageStatus.CANCELLED


def test_no_reminder_for_a_planned_rendez_vous_of_a_closed_orientation_even_if_left_planned(world):
    """A rendez-vous nobody settled (its orientation closed behind the engine's back): the sweep skips it
    and the delivery refuses it."""
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(TUESDAY_AFTERNOON)
        assert sweep_at_reminder_time(frozen)["referrals.appointment"] == 1
        (queued,) = reminders()
        queued.status = MessageStatus.PENDING
        db.session.execute(
            sa.text("UPDATE orientations SET status = 'abandoned', closed_at = now() WHERE id = :id"),
            {"id": appointment.orientation_id},
        )
        db.session.expire_all()
        assert run_sweep(only="referrals.appointment")["referrals.appointment"] == 0
        deliver([queued.id])
    db.session.refresh(queued)
    assert queued.status is MessageStatus.CANCELLED and "orientation close" in queued.last_error


def test_closing_a_need_asks_what_became_of_its_rendez_vous(world, logged_in):
    with clock.frozen(MONDAY) as frozen:
        appointment = world.appointment(TUESDAY_AFTERNOON)
        db.session.commit()
        sender = logged_in(world.sender)
        url = f"/personnes/besoins/{world.need.id}/cloturer"
        person_page = f"/personnes/{world.person.id}"
        assert "— Choisir le résultat —" in sender.get(person_page).get_data(as_text=True)  # never pre-set
        asked = sender.submit(url, {"status": ""}, page=person_page)
        page = asked.get_data(as_text=True)
        assert asked.status_code == 200 and "Confirmer la clôture du besoin" in page
        assert 'name="status" value="met" required>' in page  # the result is asked, nothing checked
        assert f'name="rendez_vous_{appointment.id}"' in page
        unanswered = sender.submit(url, {"status": "met", "confirmed": "1"}, page=person_page)
        assert unanswered.status_code == 302
        db.session.refresh(world.need)
        assert world.need.status.is_open  # refused: the rendez-vous was not answered
        answer = {"status": "met", "confirmed": "1", f"rendez_vous_{appointment.id}": "cancelled"}
        assert sender.submit(url, answer, page=person_page).status_code == 302
        db.session.refresh(world.need)
        db.session.refresh(appointment)
        assert not world.need.status.is_open and appointment.status is AppointmentStatus.CANCELLED
        assert sweep_at_reminder_time(frozen)["referrals.appointment"] == 0
    assert reminders() == []


def test_cancelling_a_rendez_vous_is_confirmed_first(world, logged_in):
    with clock.frozen(MONDAY):
        appointment = world.appointment(TUESDAY_AFTERNOON)
        db.session.commit()
        receiver = logged_in(world.receiver)
        url = f"/orientations/rendez-vous/{appointment.id}/suite"
        page = f"/orientations/{appointment.orientation_id}"
        asked = receiver.submit(url, {"status": "cancelled"}, page=page)
        text = asked.get_data(as_text=True)
        assert asked.status_code == 200 and "Confirmer l&#39;annulation du rendez-vous" in text
        assert "La personne ne reçoit pas de rappel." in text and 'name="status" value="cancelled"' in text
        db.session.refresh(appointment)
        assert appointment.status is AppointmentStatus.PLANNED
        assert receiver.submit(url, {"status": "cancelled", "confirmed": "1"}, page=page).status_code == 302
    db.session.refresh(appointment)
    assert appointment.status is AppointmentStatus.CANCELLED


# « Orienter vers un autre service » ---------------------------------------------------------------


def test_a_declined_orientation_offers_a_new_one_pre_filled(world, logged_in):
    orientation = world.orientation(
        S.DECLINED, message="Elle préfère le matin.", urgency="urgent", shared_fields=["phone", "birth_date"]
    )
    db.session.commit()
    sender = logged_in(world.sender)
    page = sender.get(f"/orientations/{orientation.id}").get_data(as_text=True)
    link = f"/orientations/nouvelle?personne={world.person.id}&amp;depuis={orientation.id}"
    assert "Orienter vers un autre service" in page and link in page
    form = sender.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Nouvelle orientation après l'orientation n°" in form
    assert "Elle préfère le matin.</textarea>" in form
    assert checked(form, "need_ids") == {str(world.need.id)} and checked(form, "urgency") == {"urgent"}
    assert checked(form, "shared_fields") == {"phone", "birth_date"}  # as before, not the form's defaults


def checked(html: str, name: str) -> set[str]:
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag}


def test_only_the_sender_of_a_closed_orientation_re_orients_from_it(world, logged_in):
    declined, received = world.orientation(S.DECLINED), world.orientation(S.RECEIVED)
    db.session.commit()
    url = f"/orientations/nouvelle?personne={world.person.id}&depuis="
    assert logged_in(world.sender).get(url + str(received.id)).status_code == 403  # not closed
    assert logged_in(world.receiver).get(url + str(declined.id)).status_code == 403
    assert "Orienter vers un autre service" not in logged_in(world.receiver).get(
        f"/orientations/{declined.id}"
    ).get_data(as_text=True)
