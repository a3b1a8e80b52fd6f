"""In-app notifications beside the e-mails (same recipients), read state, access, and each user's choice
between an e-mail at once and the daily digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.notifications.models import (
    DeliveryMode,
    EventKind,
    MessageStatus,
    OutboxMessage,
    UserNotification,
)
from orientation.notifications.operations import purge_read_notifications
from orientation.notifications.preferences import choices_of, set_choices
from orientation.notifications.tasks import send_digests
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Reason
from tests.referrals import builders as rb

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def notifications_of(user) -> list[UserNotification]:
    return list(
        db.session.scalars(
            sa.select(UserNotification).where(UserNotification.user_id == user.id).order_by(UserNotification.id)
        )
    )


def test_a_status_change_notifies_those_the_email_goes_to(outbox):
    world = rb.scenario()
    orientation = world.orientation(S.SENT)
    (received,) = notifications_of(world.receiver)
    assert received.kind is EventKind.ORIENTATION_RECEIVED and received.subject_id == orientation.id
    assert received.title == "Nouvelle orientation numérique pour Médiation de test"
    assert notifications_of(world.sender) == []  # their own act
    lifecycle.transition(orientation, S.RECEIVED, actor=world.receiver)
    lifecycle.transition(orientation, S.DECLINED, actor=world.receiver, reason=Reason.NOT_ELIGIBLE)
    db.session.commit()
    (declined,) = notifications_of(world.sender)
    assert declined.kind is EventKind.ORIENTATION_CHANGED
    assert declined.title == f"Orientation n° {orientation.id} : refusée"
    assert declined.read_at is None and "Durand" not in declined.title
    assert notifications_of(world.outsider) == []
    # Same recipients as the e-mail.
    email = db.session.get(OutboxMessage, declined.message_id)
    assert email.recipient_user_id == world.sender.id and email.template == "orientation_update"


def test_an_appointment_is_told_to_the_sender_in_app(outbox):
    world = rb.scenario()
    appointment = world.appointment(clock.now() + timedelta(days=3))
    db.session.commit()
    titles = [n.title for n in notifications_of(world.sender)]
    assert any(f"n° {appointment.orientation_id} : rendez-vous prévu" in title for title in titles), titles


def test_the_list_shows_unread_first_and_marks_them_read(logged_in, outbox):
    world = rb.scenario()
    first, second = world.orientation(S.SENT), world.orientation(S.SENT)
    db.session.commit()
    older, newer = notifications_of(world.receiver)
    older.read_at = clock.now()  # already read: listed after the unread one
    db.session.commit()
    client = logged_in(world.receiver)
    home = client.get("/").get_data(as_text=True)
    assert '<span class="fr-sr-only">1 non lue</span>' in home  # the header's count, in words for screen readers
    html = client.get("/notifications/").get_data(as_text=True)
    assert html.index(f"/notifications/{newer.id}/ouvrir") < html.index(f"/notifications/{older.id}/ouvrir")
    assert html.count("Nouvelle</p>") == 1
    db.session.expire_all()
    assert all(n.read_at is not None for n in notifications_of(world.receiver))
    assert 'class="fr-sr-only">' not in client.get("/").get_data(as_text=True).split("notifications-bell")[1][:400]
    assert {first.id, second.id} == {n.subject_id for n in notifications_of(world.receiver)}


def test_opening_one_marks_it_read_and_leads_to_its_orientation(logged_in, outbox):
    world = rb.scenario()
    orientation = world.orientation(S.SENT)
    db.session.commit()
    (notification,) = notifications_of(world.receiver)
    response = logged_in(world.receiver).get(f"/notifications/{notification.id}/ouvrir")
    assert response.status_code == 302 and response.location.endswith(f"/orientations/{orientation.id}")
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_nobody_sees_or_opens_another_users_notifications(logged_in, outbox):
    world = rb.scenario()
    world.orientation(S.SENT)
    db.session.commit()
    (notification,) = notifications_of(world.receiver)
    outsider = logged_in(world.outsider)
    assert outsider.get(f"/notifications/{notification.id}/ouvrir").status_code == 403
    assert f"/notifications/{notification.id}/" not in outsider.get("/notifications/").get_data(as_text=True)
    db.session.refresh(notification)
    assert notification.read_at is None  # not marked read by someone else


def test_the_choices_page_records_each_kind(logged_in):
    world = rb.scenario()
    client = logged_in(world.sender)
    page = client.get("/notifications/choix")
    assert page.status_code == 200 and "Un récapitulatif par jour" in page.get_data(as_text=True)
    data = {kind.value: "immediate" for kind in EventKind} | {"orientation_changed": "digest"}
    response = client.submit("/notifications/choix", data)
    assert response.status_code == 302
    assert choices_of(world.sender.id)[EventKind.ORIENTATION_CHANGED] is DeliveryMode.DIGEST
    assert choices_of(world.sender.id)[EventKind.MAS_CASE] is DeliveryMode.IMMEDIATE
    refused = client.submit("/notifications/choix", {"orientation_changed": "jamais"})
    assert refused.status_code == 400 and "error-summary" in refused.get_data(as_text=True)


def test_digest_choice_holds_the_email_and_one_digest_a_day_gathers_them(outbox):
    with clock.frozen(MONDAY) as frozen:
        world = rb.scenario()
        set_choices(world.sender.id, {EventKind.ORIENTATION_CHANGED: DeliveryMode.DIGEST})
        first, second = world.orientation(S.ACCEPTED), world.orientation(S.DECLINED)
        db.session.commit()
        to_sender = [m for m in outbox if m.to == [world.sender.email]]
        assert to_sender == []  # no e-mail at once: the user chose the digest
        held = db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.recipient_user_id == world.sender.id, OutboxMessage.template == "orientation_update"
            )
        ).all()
        assert len(held) == 2 and {m.status for m in held} == {MessageStatus.HELD}
        assert len(notifications_of(world.sender)) == 2  # the in-app list is told at once all the same

        assert send_digests() == 1
        digests = [m for m in outbox if m.to == [world.sender.email]]
        assert len(digests) == 1 and "2 notifications" in digests[0].subject
        assert f"n° {first.id}" in digests[0].body and f"n° {second.id}" in digests[0].body

        # Later the same day: a new event waits for tomorrow's digest, one e-mail per user per day.
        frozen.advance(hours=3)
        world.orientation(S.ACCEPTED)
        db.session.commit()
        assert send_digests() == 0
        assert len([m for m in outbox if m.to == [world.sender.email]]) == 1
        frozen.advance(days=1)
        assert send_digests() == 1
        assert len([m for m in outbox if m.to == [world.sender.email]]) == 2


def test_immediate_choice_overrides_the_structures_digest(outbox):
    world = rb.scenario()
    world.sender_org.notification_digest = True
    set_choices(world.sender.id, {EventKind.ORIENTATION_CHANGED: DeliveryMode.IMMEDIATE})
    world.orientation(S.ACCEPTED)
    db.session.commit()
    assert [m for m in outbox if m.to == [world.sender.email]] != []


def test_read_notifications_are_purged_after_the_retention_delay(outbox):
    world = rb.scenario()
    world.orientation(S.SENT)
    world.orientation(S.SENT)
    old, recent = notifications_of(world.receiver)
    old.read_at = clock.now() - timedelta(days=100)
    db.session.flush()
    assert purge_read_notifications(90) == 1
    assert [n.id for n in notifications_of(world.receiver)] == [recent.id]


def test_a_closed_mas_case_is_told_to_the_detecteur_and_opens_the_case(logged_in, outbox):
    from orientation.cpam import operations as cpam_operations
    from tests.cpam import builders as cb

    world = cb.world()
    case = world.saisine()
    cpam_operations.open_case(case, user=world.conseiller)
    for _ in range(3):
        cpam_operations.record_contact_attempt(
            case, user=world.conseiller, succeeded=False, channel="phone", note="messagerie"
        )
    cpam_operations.close_case(case, user=world.conseiller, outcome="unreachable", reason="Trois appels")
    db.session.commit()
    mas = [n for n in notifications_of(world.detector) if n.kind is EventKind.MAS_CASE]
    assert len(mas) == 1 and f"n° {case.id}" in mas[0].title
    response = logged_in(world.detector).get(f"/notifications/{mas[0].id}/ouvrir")
    assert response.status_code == 302 and response.location.endswith(f"/dossiers/{case.id}")
