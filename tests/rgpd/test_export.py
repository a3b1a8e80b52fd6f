"""Right of access: the export holds everything on the person, and the metadata proves nothing is missed."""

from __future__ import annotations

import json

import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from orientation.personal_data import personal_data_map, tables_reaching_people
from orientation.rgpd.export import SECTION_TITLES, collect, export_sources
from tests.rgpd.builders import SECRETS


def _exported() -> set[str]:
    return set(personal_data_map().tables)  # every table of the map: export_sources() and the outbox


def test_every_table_with_a_path_to_people_is_exported():
    linked = tables_reaching_people(db.metadata)
    # The walk really follows paths (directly, via orientations, needs, cases), not only direct keys.
    assert {
        "consents",
        "orientation_events",
        "orientation_needs",
        "mas_notes",
        "mas_case_care_kinds",
        "medecin_traitant_declarations",
    } <= linked
    by_subject = {"outbox_messages", "user_notifications"}  # found by what they are about
    missing = linked - set(export_sources()) - by_subject
    assert not missing, f"tables of personal data missing from the RGPD export: {sorted(missing)}"
    assert set(SECTION_TITLES) >= set(export_sources()) | by_subject
    assert set(export_sources()) | by_subject == _exported()


def test_every_table_with_a_path_to_people_is_audited_or_excused():
    linked = tables_reaching_people(db.metadata)
    data_map = personal_data_map()
    missing = linked - set(data_map.audited()) - set(data_map.not_audited())
    assert not missing, f"changes to these tables are not logged: {sorted(missing)}"


def test_the_model_walk_would_catch_a_new_table():
    metadata = sa.MetaData()
    sa.Table("people", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "cases",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.ForeignKey("people.id")),
    )
    sa.Table(
        "case_files",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.ForeignKey("cases.id")),
    )
    sa.Table("unrelated", metadata, sa.Column("id", sa.Integer, primary_key=True))
    assert tables_reaching_people(metadata) == {"people", "cases", "case_files"}


def test_the_export_holds_a_row_from_every_table(full):
    data = collect(full.person.id)
    empty = [name for name, rows in data.sections.items() if not rows]
    assert empty == [], f"the full file should have rows in every table: {empty}"
    assert data.sections["people"][0]["phone"] == SECRETS["phone"]
    assert {row["body"] for row in data.sections["mas_notes"]} == {SECRETS["note"]}
    assert {row["body"] for row in data.sections["orientation_comments"]} == {SECRETS["comment"]}
    assert data.references["users"][str(full.world.conseiller.id)] == "Julien Faure"
    # Nothing of another person.
    other = collect(full.world.other_detector.id + 10_000)
    assert all(not rows for rows in other.sections.values())


def test_export_json_download_is_complete_and_logged(full, logged_in):
    client = logged_in(full.world.detector)
    response = client.get(f"/personnes/{full.person.id}/rgpd/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = json.loads(response.get_data(as_text=True))
    assert set(body["tables"]) == _exported()
    assert body["tables"]["people"][0]["email"] == SECRETS["email"]
    logged = db.session.scalars(
        sa.select(PersonAccessLog).where(
            PersonAccessLog.person_id == full.person.id, PersonAccessLog.action == "export"
        )
    ).all()
    assert [(entry.user_id, entry.purpose) for entry in logged] == [(full.world.detector.id, "rgpd.export_json")]
    assert any(row["action"] == "export" for row in body["tables"]["person_access_logs"])


def test_export_page_is_readable_and_printable(full, logged_in):
    page = logged_in(full.world.detector).get(f"/personnes/{full.person.id}/rgpd/export").get_data(as_text=True)
    assert "Toutes les données enregistrées sur Rosa Pereira" in page
    assert "Notes internes de la CPAM" in page and SECRETS["note"] in page
    assert "data-print" in page and "onclick" not in page and "<script>" not in page
    assert "Julien Faure" in page  # ids are named


def test_export_is_need_to_know(full, logged_in):
    for user in (full.world.other_detector, full.world.conseiller, full.world.coordinator):
        assert logged_in(user).get(f"/personnes/{full.person.id}/rgpd/export.json").status_code == 403
