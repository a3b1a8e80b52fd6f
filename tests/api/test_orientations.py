"""Partners create, follow and answer orientations through the API, under the UI's rules."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.audit.models import AuditAction, PersonAccessLog
from orientation.extensions import db
from orientation.people.models import Person
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Orientation


def _create_body(world, **overrides):
    body = {
        "service_id": world.service.id,
        "person": {
            "first_name": "Nadia",
            "last_name": "Martin",
            "phone": "06 11 22 33 44",
            "commune_code": "84007",
            "birth_date": "1970-05-02",
        },
        "consent": {"reference": "SIAO-2026-0042", "method": "written"},
        "needs": [{"code": "numerique_demarches"}],
        "message": "Besoin d'aide pour ses démarches CAF.",
        "shared_fields": ["phone", "commune"],
    }
    body.update(overrides)
    return body


def test_a_partner_creates_follows_and_answers_an_orientation_without_the_ui(world, sender_api, receiver_api):
    created = sender_api.post("/api/v1/orientations", _create_body(world))
    assert created.status_code == 201, created.get_json()
    task = created.get_json()
    assert task["status"] == "requested" and task["businessStatus"]["coding"][0]["code"] == "sent"
    assert task["side"] == "sender" and task["for"]["display"] == "Nadia Martin"
    assert task["for"]["person_id"] == db.session.get(Orientation, int(task["id"])).person_id
    assert created.headers["ETag"] == f'"orientation-{task["id"]}-v2"'
    assert created.headers["Location"].endswith(f"/api/v1/orientations/{task['id']}")
    orientation = db.session.get(Orientation, int(task["id"]))
    assert "SIAO-2026-0042" in orientation.consent.purpose

    listed = receiver_api.get("/api/v1/orientations?box=received").get_json()
    assert [item["id"] for item in listed["items"]] == [task["id"]]
    assert "for" not in listed["items"][0]  # lists carry nothing of the person

    read = receiver_api.get(f"/api/v1/orientations/{task['id']}")
    seen = read.get_json()
    assert seen["side"] == "receiver" and seen["for"]["person_id"] is None  # not a file of theirs
    assert seen["for"]["shared"] == {"phone": "06 11 22 33 44", "commune": "Avignon (84000)"} or set(
        seen["for"]["shared"]
    ) == {"phone", "commune"}
    assert "birth_date" not in seen["for"]["shared"]  # not shared by the sender
    assert {t["fhir_status"] for t in seen["allowed_transitions"]} >= {"received", "accepted", "rejected"}

    accepted = receiver_api.post(
        f"/api/v1/orientations/{task['id']}/status", {"status": "accepted"}, headers={"If-Match": read.headers["ETag"]}
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["businessStatus"]["coding"][0]["code"] == "accepted"
    completed = receiver_api.post(
        f"/api/v1/orientations/{task['id']}/status",
        {"status": "completed", "outcome": "met", "note": "Dossier CAF à jour."},
        headers={"If-Match": accepted.headers["ETag"]},
    )
    assert completed.status_code == 200
    assert completed.get_json()["status"] == "completed" and completed.get_json()["outcome"] == "met"

    followed = sender_api.get(f"/api/v1/orientations/{task['id']}").get_json()
    assert [step["to"] for step in followed["history"]] == ["draft", "sent", "accepted", "completed"]


def test_every_read_of_a_person_through_the_api_is_logged(world, receiver_api):
    orientation = world.orientation(S.SENT)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(PersonAccessLog))
    assert receiver_api.get(f"/api/v1/orientations/{orientation.id}").status_code == 200
    entry = db.session.scalars(sa.select(PersonAccessLog).order_by(PersonAccessLog.id.desc())).first()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonAccessLog)) == before + 1
    assert (entry.person_id, entry.orientation_id, entry.organisation_id, entry.purpose) == (
        world.person.id,
        orientation.id,
        world.receiver_org.id,
        "api.orientations.show",
    )


def test_reasons_are_required_as_in_the_ui_in_french_and_english(world, receiver_api):
    orientation = world.orientation(S.RECEIVED)
    etag = receiver_api.get(f"/api/v1/orientations/{orientation.id}").headers["ETag"]
    refused = receiver_api.post(
        f"/api/v1/orientations/{orientation.id}/status", {"status": "rejected"}, headers={"If-Match": etag}
    )
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert "motif" in refused.get_json()["detail"]
    english = receiver_api.post(
        f"/api/v1/orientations/{orientation.id}/status",
        {"status": "rejected"},
        headers={"If-Match": etag, "Accept-Language": "en-GB,en;q=0.9"},
    )
    assert english.get_json()["title"] == "Unprocessable content"
    assert english.get_json()["detail"].startswith("A reason is required for this change, one of: not_eligible")
    assert english.headers["Content-Language"] == "en"
    declined = receiver_api.post(
        f"/api/v1/orientations/{orientation.id}/status",
        {"status": "rejected", "reason": "full"},
        headers={"If-Match": etag},
    )
    assert declined.status_code == 200
    body = declined.get_json()
    assert body["businessStatus"]["coding"][0]["code"] == "declined"
    assert body["statusReason"]["coding"][0]["code"] == "full"


def test_rejected_with_a_service_is_a_redirection(world, receiver_api):
    from tests.referrals.builders import receiving_service

    other = receiving_service()
    orientation = world.orientation(S.RECEIVED)
    etag = receiver_api.get(f"/api/v1/orientations/{orientation.id}").headers["ETag"]
    answer = receiver_api.post(
        f"/api/v1/orientations/{orientation.id}/status",
        {"status": "rejected", "reason": "wrong_service", "redirect_service_id": other.id},
        headers={"If-Match": etag},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["businessStatus"]["coding"][0]["code"] == "redirected"
    assert answer.get_json()["redirected_to_service_id"] == other.id


def test_optimistic_concurrency_with_etag_and_if_match(world, receiver_api):
    orientation = world.orientation(S.SENT)
    url = f"/api/v1/orientations/{orientation.id}/status"
    etag = receiver_api.get(f"/api/v1/orientations/{orientation.id}").headers["ETag"]
    missing = receiver_api.post(url, {"status": "received"})
    assert missing.status_code == 428
    assert receiver_api.post(url, {"status": "received"}, headers={"If-Match": etag}).status_code == 200
    stale = receiver_api.post(url, {"status": "accepted"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "stale_version"
    db.session.refresh(orientation)
    assert orientation.status is S.RECEIVED  # the stale write changed nothing


def test_only_the_allowed_side_may_answer(world, sender_api):
    orientation = world.orientation(S.SENT)
    etag = sender_api.get(f"/api/v1/orientations/{orientation.id}").headers["ETag"]
    answer = sender_api.post(
        f"/api/v1/orientations/{orientation.id}/status", {"status": "accepted"}, headers={"If-Match": etag}
    )
    assert answer.status_code == 403
    assert "destinataire" in answer.get_json()["detail"]
    english = sender_api.post(
        f"/api/v1/orientations/{orientation.id}/status",
        {"status": "accepted"},
        headers={"If-Match": etag, "Accept-Language": "en"},
    )
    assert english.get_json()["detail"] == "Only the receiving organisation may make this change."


def test_tokens_of_another_organisation_see_nothing(world, outsider_api, receiver_api):
    draft = world.orientation(S.DRAFT)
    sent = world.orientation(S.SENT)
    for orientation in (draft, sent):
        assert outsider_api.get(f"/api/v1/orientations/{orientation.id}").status_code == 404
        answer = outsider_api.post(
            f"/api/v1/orientations/{orientation.id}/status",
            {"status": "cancelled", "reason": "duplicate"},
            headers={"If-Match": "*"},
        )
        assert answer.status_code == 404
        assert (
            outsider_api.post(f"/api/v1/orientations/{orientation.id}/comments", {"body": "Bonjour"}).status_code == 404
        )
    for box in ("received", "sent"):
        assert outsider_api.get(f"/api/v1/orientations?box={box}").get_json()["items"] == []
    # The receiver never sees the sender's drafts.
    assert receiver_api.get(f"/api/v1/orientations/{draft.id}").status_code == 404
    assert (
        sent.person_id
        and db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PersonAccessLog)
            .where(PersonAccessLog.orientation_id == draft.id, PersonAccessLog.action == AuditAction.READ)
        )
        == 0
    )


def test_a_token_acts_only_for_its_own_organisation_even_when_its_creator_belongs_to_several(world, client):
    from orientation.organisations.models import MembershipRole
    from tests import builders
    from tests.api.conftest import ApiClient, make_token

    manager = world.receiver  # also made a manager of a third structure
    third = builders.organisation("Tierce")
    builders.membership(manager, third, MembershipRole.MANAGER)
    orientation = world.orientation(S.SENT)
    api = ApiClient(client, make_token(third, manager=manager)[1])
    assert api.get(f"/api/v1/orientations/{orientation.id}").status_code == 404


def test_scope_and_authentication(world, client):
    from tests.api.conftest import ApiClient, make_token

    orientation = world.orientation(S.SENT)
    directory_only = ApiClient(client, make_token(world.receiver_org, scopes=["read-directory"])[1])
    answer = directory_only.get(f"/api/v1/orientations/{orientation.id}")
    assert answer.status_code == 403 and answer.get_json()["code"] == "missing_scope"
    unknown = ApiClient(client, "ori_not-a-real-token").get("/api/v1/orientations")
    assert unknown.status_code == 401 and unknown.headers["WWW-Authenticate"].startswith("Bearer")
    assert ApiClient(client).get("/api/v1/orientations").status_code == 401


def test_bad_input_is_refused_whole_and_nothing_is_half_saved(world, sender_api):
    people_before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    invalid = sender_api.post("/api/v1/orientations", _create_body(world, needs=[{"code": "nope"}]))
    assert invalid.status_code == 422 and invalid.get_json()["errors"][0]["field"].startswith("needs")
    # Valid shape, refused by the rules (a service that does not take orientations): nothing stays.
    from tests.directory import builders as directory_builders

    closed = directory_builders.service(accepts_orientations=False)
    refused = sender_api.post("/api/v1/orientations", _create_body(world, service_id=closed.id))
    assert refused.status_code == 422 and "ne reçoit pas" in refused.get_json()["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == people_before
    assert sender_api.post("/api/v1/orientations", "pas un objet").status_code == 422
    not_json = sender_api.client.post(
        "/api/v1/orientations",
        data="x",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {sender_api.token}"},
    )
    assert not_json.status_code == 415 and not_json.content_type == "application/problem+json"
    huge = sender_api.post("/api/v1/orientations", _create_body(world, message="x" * 12 * 1024 * 1024))
    assert huge.status_code == 413 and huge.content_type == "application/problem+json"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == people_before


def test_a_nul_character_anywhere_in_the_body_is_refused_not_a_server_error(world, sender_api):
    """PostgreSQL text cannot hold \\u0000: refused with the field, before anything is written."""
    people_before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    body = _create_body(world)
    body["person"]["last_name"] = "Mar\x00tin"
    refused = sender_api.post("/api/v1/orientations", body)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert refused.get_json()["errors"] == [{"field": "person/last_name", "detail": "caractère nul"}]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == people_before
    orientation = world.orientation(S.SENT)
    comment = sender_api.post(f"/api/v1/orientations/{orientation.id}/comments", {"body": "\x00"})
    assert comment.status_code == 422 and comment.get_json()["errors"][0]["field"] == "body"
    assert sender_api.post(f"/api/v1/orientations/{orientation.id}/comments", {"b\x00": "x"}).status_code == 422
    nested = sender_api.post("/api/v1/orientations", [[[[["\x00"]]]]] * 2)
    assert nested.status_code == 422 and nested.get_json()["errors"][0]["field"] == "1/0/0/0/0"
    search = sender_api.get("/api/v1/hsds/services", query_string={"search": "a\x00b"})
    assert search.status_code == 400 and search.get_json()["errors"] == [{"field": "search", "detail": "caractère nul"}]


def test_comments_through_the_api(world, sender_api, receiver_api):
    orientation = world.orientation(S.SENT)
    added = sender_api.post(
        f"/api/v1/orientations/{orientation.id}/comments", {"body": "Elle est disponible le matin."}
    )
    assert added.status_code == 201 and added.get_json()["side"] == "sender"
    seen = receiver_api.get(f"/api/v1/orientations/{orientation.id}").get_json()
    assert [c["body"] for c in seen["comments"]] == ["Elle est disponible le matin."]


def test_list_filters_by_fhir_or_business_status(world, receiver_api):
    sent = world.orientation(S.SENT)
    accepted = world.orientation(S.ACCEPTED)
    by_fhir = receiver_api.get("/api/v1/orientations?status=accepted").get_json()
    assert [item["id"] for item in by_fhir["items"]] == [str(accepted.id)]
    by_ours = receiver_api.get("/api/v1/orientations?status=sent").get_json()
    assert [item["id"] for item in by_ours["items"]] == [str(sent.id)]
    assert receiver_api.get("/api/v1/orientations?status=bogus").status_code == 400
    assert receiver_api.get("/api/v1/orientations?box=other").status_code == 400


def test_a_second_file_for_the_same_person_is_refused_until_the_partner_says_it_is_someone_else(world, sender_api):
    """As the UI warns before a duplicate: same name (accents, case) and birth date in the structure's files."""
    first = sender_api.post("/api/v1/orientations", _create_body(world))
    assert first.status_code == 201
    person_id = first.get_json()["for"]["person_id"]
    people_before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))

    again = _create_body(world)
    again["person"] = {**again["person"], "first_name": "NADIA", "last_name": "martin"}
    refused = sender_api.post("/api/v1/orientations", again)
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    problem = refused.get_json()
    assert problem["code"] == "possible_duplicate" and "person_id" in problem["detail"]
    assert [error["person_id"] for error in problem["errors"]] == [person_id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == people_before  # nothing saved

    by_id = _create_body(world, person_id=person_id)
    del by_id["person"]
    assert sender_api.post("/api/v1/orientations", by_id).status_code == 201
    someone_else = sender_api.post("/api/v1/orientations", {**again, "allow_duplicate": True})
    assert someone_else.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == people_before + 1


def test_a_refused_change_answers_the_stable_code_and_the_precise_refusal(world, receiver_api, sender_api):
    """`code` keeps the values v1 has always published; `refusal` says precisely why."""
    orientation = world.orientation(S.RECEIVED)
    url = f"/api/v1/orientations/{orientation.id}/status"
    etag = receiver_api.get(f"/api/v1/orientations/{orientation.id}").headers["ETag"]

    def refusal(answer):
        problem = answer.get_json()
        return answer.status_code, problem["code"], problem["refusal"]

    missing = receiver_api.post(url, {"status": "rejected"}, headers={"If-Match": etag})
    assert refusal(missing) == (422, "invalid_transition", "reason_required")
    assert missing.get_json()["type"] == "about:blank#invalid_transition"
    illegal = receiver_api.post(url, {"status": "completed", "outcome": "met"}, headers={"If-Match": etag})
    assert refusal(illegal) == (422, "invalid_transition", "illegal_transition")
    forbidden = sender_api.post(url, {"status": "accepted"}, headers={"If-Match": "*"})
    assert refusal(forbidden) == (403, "transition_forbidden", "forbidden")
