"""The receiver's rendez-vous through the API: set one, then say what became of it, under the UI's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Appointment, Orientation

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Avignon


def _url(orientation, *rest) -> str:
    return "/".join([f"/api/v1/orientations/{orientation.id}/appointments", *map(str, rest)])


def test_the_receiver_sets_an_appointment_and_the_accepted_orientation_is_under_way(world, receiver_api, sender_api):
    with clock.frozen(NOW - timedelta(days=1)):  # accepted before the rendez-vous is set, whatever today is
        orientation = world.orientation(S.ACCEPTED)
    version_before = orientation.version
    with clock.frozen(NOW):
        created = receiver_api.post(
            _url(orientation),
            {
                "starts_at": "2026-12-10T14:30:00+01:00",
                "channel": "in_person",
                "place": "France Services de Pertuis",
                "reminder_agreed": True,
                "note": "Apporter l'avis d'imposition.",
            },
        )
    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    assert answer["starts_at"] == "2026-12-10T13:30:00+00:00" and answer["status"] == "planned"
    assert answer["reminder_agreed"] is True and answer["place"] == "France Services de Pertuis"
    db.session.expire_all()
    orientation = db.session.get(Orientation, orientation.id)
    assert orientation.status is S.IN_PROGRESS and orientation.version > version_before
    assert created.headers["ETag"] == f'"orientation-{orientation.id}-v{orientation.version}"'
    appointment = db.session.get(Appointment, answer["id"])
    assert appointment.note == "Apporter l'avis d'imposition." and appointment.created_by_id is not None

    seen = sender_api.get(f"/api/v1/orientations/{orientation.id}").get_json()
    assert seen["appointments"] == [answer]
    assert [step["to"] for step in seen["history"]][-1] == "in_progress"


def test_only_the_receiver_sets_appointments_and_other_organisations_see_nothing(
    world, sender_api, outsider_api, receiver_api
):
    orientation = world.orientation(S.ACCEPTED)
    body = {"starts_at": "2030-01-15T10:00:00+01:00", "channel": "phone"}
    refused = sender_api.post(_url(orientation), body)
    assert refused.status_code == 403 and "destinataire" in refused.get_json()["detail"]
    assert outsider_api.post(_url(orientation), body).status_code == 404
    created = receiver_api.post(_url(orientation), body).get_json()
    assert outsider_api.post(_url(orientation, created["id"], "status"), {"status": "cancelled"}).status_code == 404
    assert sender_api.post(_url(orientation, created["id"], "status"), {"status": "cancelled"}).status_code == 403
    other = world.orientation(S.ACCEPTED)  # an appointment id under another orientation names nothing
    assert receiver_api.post(_url(other, created["id"], "status"), {"status": "cancelled"}).status_code == 404
    assert receiver_api.post(_url(orientation, 2**40, "status"), {"status": "cancelled"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1


def test_bad_times_and_states_are_refused_clearly_and_nothing_is_saved(world, receiver_api):
    orientation = world.orientation(S.ACCEPTED)
    with clock.frozen(NOW):
        for starts_at in (
            "2026-12-10T14:30:00",
            "demain",
            "2026-12-06T23:00:00+01:00",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
        ):
            answer = receiver_api.post(_url(orientation), {"starts_at": starts_at, "channel": "in_person"})
            assert answer.status_code == 422, (starts_at, answer.get_json())
            assert answer.content_type == "application/problem+json"
            assert answer.get_json()["errors"][0]["field"] == "starts_at"
        today_late = receiver_api.post(
            _url(orientation), {"starts_at": "2026-12-07T08:00:00+01:00", "channel": "video"}
        )
        assert today_late.status_code == 201  # today is allowed, as in the UI (recorded after the fact)
    assert (
        receiver_api.post(
            _url(orientation), {"starts_at": "2030-01-15T10:00:00+01:00", "channel": "pigeon"}
        ).status_code
        == 422
    )
    sent = world.orientation(S.SENT)
    not_yet = receiver_api.post(_url(sent), {"starts_at": "2030-01-15T10:00:00+01:00", "channel": "phone"})
    assert not_yet.status_code == 422 and "acceptée ou en cours" in not_yet.get_json()["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1
    assert db.session.get(Orientation, sent.id).status is S.SENT


def test_an_appointment_is_cancelled_before_its_time_and_marked_done_or_missed_after_it_once(world, receiver_api):
    orientation = world.orientation(S.ACCEPTED)
    with clock.frozen(NOW) as frozen:
        first = receiver_api.post(
            _url(orientation),
            {"starts_at": "2026-12-10T14:30:00+01:00", "channel": "in_person", "reminder_agreed": True},
        ).get_json()
        second = receiver_api.post(
            _url(orientation), {"starts_at": "2026-12-11T09:00:00+01:00", "channel": "phone"}
        ).get_json()
        early = receiver_api.post(_url(orientation, first["id"], "status"), {"status": "done"})
        assert early.status_code == 422 and "heure venue" in early.get_json()["detail"]
        cancelled = receiver_api.post(_url(orientation, first["id"], "status"), {"status": "cancelled"})
        assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
        assert cancelled.get_json()["status_changed_at"] == NOW.isoformat()
        again = receiver_api.post(_url(orientation, first["id"], "status"), {"status": "cancelled"})
        assert again.status_code == 422 and "déjà noté" in again.get_json()["detail"]

        frozen.advance(timedelta(days=5))
        assert (
            receiver_api.post(_url(orientation, second["id"], "status"), {"status": "cancelled"}).status_code == 422
        )  # past: done or missed
        missed = receiver_api.post(_url(orientation, second["id"], "status"), {"status": "missed"})
        assert missed.status_code == 200 and missed.get_json()["status"] == "missed"
    assert receiver_api.post(_url(orientation, second["id"], "status"), {"status": "planned"}).status_code == 422


def test_a_refused_note_answers_the_machine_code_in_french_and_english(world, receiver_api):
    orientation = world.orientation(S.ACCEPTED)
    with clock.frozen(NOW):
        created = receiver_api.post(_url(orientation), {"starts_at": "2026-12-10T14:30:00+01:00", "channel": "phone"})
        url = _url(orientation, created.get_json()["id"], "status")
        early = receiver_api.post(url, {"status": "done"}, headers={"Accept-Language": "en"})
    problem = early.get_json()
    assert (early.status_code, problem["code"], problem["refusal"]) == (422, "appointment_refused", "too_early")
    assert early.get_json()["detail"] == (
        "Planned appointments are cancelled before their time, marked done or missed after it, once."
    )
