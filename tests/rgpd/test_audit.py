"""The audit log: every read and change of a file (who, when, what, from where), never a value, append-only."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.audit.operations import log_person_access
from orientation.cpam import operations as cpam_operations
from orientation.extensions import db
from orientation.referrals import operations as referral_operations
from orientation.referrals.lifecycle import OrientationStatus as S
from tests import builders
from tests.referrals import builders as rb
from tests.rgpd.conftest import AGENT

BROWSER = {"User-Agent": AGENT}


def _entries(person_id: int, **filters) -> list[PersonAccessLog]:
    query = sa.select(PersonAccessLog).where(PersonAccessLog.person_id == person_id).order_by(PersonAccessLog.id)
    for key, value in filters.items():
        query = query.where(getattr(PersonAccessLog, key) == value)
    return list(db.session.scalars(query))


def _all_log_text(person_id: int) -> str:
    rows = (
        db.session.execute(sa.select(PersonAccessLog.__table__).where(PersonAccessLog.person_id == person_id))
        .mappings()
        .all()
    )
    return json.dumps([dict(row) for row in rows], default=str)


def test_a_read_records_who_when_and_from_where(world, logged_in_from):
    client = logged_in_from(world.sender, "10.84.0.7")
    response = client.get(f"/personnes/{world.person.id}")
    assert response.status_code == 200, response.status_code
    (entry,) = _entries(world.person.id, action="read")
    assert (entry.user_id, entry.organisation_id, entry.purpose) == (
        world.sender.id,
        world.sender_org.id,
        "people.show",
    )
    assert entry.ip_address == "10.84.0.7" and entry.user_agent == BROWSER["User-Agent"]
    assert entry.at is not None


def test_rectification_through_the_edit_form_logs_field_names_not_values(world, logged_in_from):
    client = logged_in_from(world.sender)
    url = f"/personnes/{world.person.id}/modifier"
    response = client.submit(
        url,
        {
            "first_name": "Lucie",
            "last_name": "Durand",
            "commune_code": "84007",
            "phone": "06 98 76 54 32",
            "email": "lucie.durand@exemple.fr",
            "address": "3 impasse des Oliviers",
            "contact_preference": "email",
            "referent_id": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    (change,) = _entries(world.person.id, action="update", target="people")
    assert {"phone", "email", "address", "contact_preference"} <= set(change.fields)
    assert "first_name" not in change.fields  # unchanged fields are not listed
    assert (change.user_id, change.organisation_id, change.purpose) == (
        world.sender.id,
        world.sender_org.id,
        "people.edit",
    )
    assert change.user_agent == BROWSER["User-Agent"]
    text = _all_log_text(world.person.id)
    for value in ("06 98 76 54 32", "98 76", "lucie.durand", "Oliviers"):
        assert value not in text


def test_changes_in_referrals_and_cpam_are_logged_by_the_same_hook(world, logged_in):
    orientation = world.orientation(S.ACCEPTED, message="Texte libre confidentiel")
    referral_operations.add_comment(orientation, user=world.receiver, body="Commentaire confidentiel")
    db.session.flush()
    entries = _entries(world.person.id)
    created = {(entry.target, entry.action.value) for entry in entries}
    assert {
        ("orientations", "create"),
        ("orientation_events", "create"),
        ("orientation_comments", "create"),
        ("needs", "create"),
        ("consents", "create"),
        ("people", "create"),
    } <= created
    comment_entry = next(e for e in entries if e.target == "orientation_comments")
    assert comment_entry.orientation_id == orientation.id and comment_entry.target_id is not None
    orientation_entry = next(e for e in entries if e.target == "orientations")
    assert orientation_entry.target_id == orientation.id
    assert "confidentiel" not in _all_log_text(world.person.id)


def test_mas_case_notes_and_steps_are_logged(cpam_world):
    case = cpam_world.saisine()
    cpam_operations.open_case(case, user=cpam_world.conseiller)
    cpam_operations.add_note(case, user=cpam_world.conseiller, body="Situation financière difficile")
    db.session.flush()
    targets = {entry.target for entry in _entries(cpam_world.person.id)}
    assert {"mas_cases", "mas_notes", "mas_case_events", "mas_case_care_kinds"} <= targets
    assert "financière" not in _all_log_text(cpam_world.person.id)


def test_the_orm_refuses_to_change_an_entry(world):
    entry = log_person_access(world.sender, world.person, "people.show")
    db.session.flush()
    entry.purpose = "autre chose"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()


def test_the_orm_refuses_to_delete_an_entry(world):
    entry = log_person_access(world.sender, world.person, "people.show")
    db.session.flush()
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()


def test_the_database_refuses_update_delete_and_truncate(world):
    log_person_access(world.sender, world.person, "people.show")
    db.session.flush()
    for statement in (
        "UPDATE person_access_logs SET purpose = 'x'",
        "DELETE FROM person_access_logs",
        "UPDATE person_access_logs SET user_id = NULL, ip_address = '1.2.3.4'",
        "TRUNCATE person_access_logs",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(sa.text(statement))
    assert _entries(world.person.id, action="read")


def test_deleting_an_account_keeps_its_entries_without_the_account(world):
    passer_by = rb.member(builders.organisation("Structure éphémère"))
    log_person_access(passer_by, world.person, "people.show")
    db.session.flush()
    db.session.execute(sa.text("DELETE FROM memberships WHERE user_id = :id"), {"id": passer_by.id})
    db.session.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": passer_by.id})
    db.session.expire_all()
    reads = _entries(world.person.id, action="read")
    assert [(entry.user_id, entry.purpose) for entry in reads] == [(None, "people.show")]
