"""Need to know, walked over every CPAM endpoint for every role: the détecteur sees steps and outcome only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from orientation.audit.models import PersonAccessLog
from orientation.cpam import operations
from orientation.extensions import db

ROLES = ["conseiller", "cpam_manager", "detector", "detector_manager", "other_detector", "coordinator"]
CPAM = {"conseiller", "cpam_manager"}
FILERS = {"detector", "detector_manager"}
PARTNERS = FILERS | {"other_detector", "coordinator"}  # the coordinator's Département is a partner too
SECRETS = [
    "SECRET-NOTE",
    "SECRET-CALL",
    "SECRET-PRACT",
    "SECRET-FIN",
    "SECRET-FOLLOW",
    "Complémentaire santé solidaire (CSS) : Ouvert",
    "Ouvert par la MAS",
    "Julien",
]

# (method, url, who gets in, form data)
ENDPOINTS = [
    ("GET", "/cpam/dossiers/{case}", CPAM | FILERS, None),
    *[
        ("GET", f"/cpam/dossiers/{{case}}/{page}", CPAM, None)
        for page in ("contact", "droits", "praticiens", "financement", "suivi", "cloture", "notes")
    ],
    ("GET", "/cpam/file", CPAM, None),
    ("GET", "/cpam/file?onglet=en-cours", CPAM, None),
    ("GET", "/cpam/signalements", set(ROLES), None),
    ("GET", "/cpam/saisine", PARTNERS, None),
    ("GET", "/cpam/tableau-de-bord", CPAM | {"coordinator"}, None),
    ("GET", "/cpam/tableau-de-bord?format=csv", CPAM | {"coordinator"}, None),
    ("GET", "/sante/medecin-traitant", set(ROLES), None),
    ("POST", "/cpam/saisine", PARTNERS, {"care_kinds": ["dentaire"]}),
    ("POST", "/cpam/dossiers/{case}/prendre-en-charge", CPAM, {}),
    ("POST", "/cpam/dossiers/{case}/tentatives", CPAM, {"succeeded": "no", "channel": "phone"}),
    ("POST", "/cpam/dossiers/{case}/etape", CPAM, {"stage": "follow_up"}),
    ("POST", "/cpam/dossiers/{case}/droits", CPAM, {"right_css": "opened"}),
    ("POST", "/cpam/dossiers/{case}/praticiens", CPAM, {"note": "x"}),
    ("POST", "/cpam/dossiers/{case}/financement", CPAM, {"aids": ["fass"]}),
    ("POST", "/cpam/dossiers/{case}/suivi", CPAM, {"note": "x"}),
    ("POST", "/cpam/dossiers/{case}/attente", CPAM, {"waiting": "yes"}),
    ("POST", "/cpam/dossiers/{case}/notes", CPAM, {"body": "une note"}),
    ("POST", "/cpam/dossiers/{case}/cloture", CPAM, {"outcome": "abandoned", "reason": "x"}),
]


@pytest.fixture
def matrix(cpam_world):
    w = cpam_world
    case = w.saisine()
    operations.record_contact_attempt(case, user=w.conseiller, succeeded=True, channel="phone", note="SECRET-CALL")
    operations.add_note(case, user=w.conseiller, body="SECRET-NOTE")
    operations.update_rights(case, user=w.conseiller, statuses={"css": "opened"})
    operations.record_practitioners(case, user=w.conseiller, service_ids=[], note="SECRET-PRACT")
    operations.record_financing(case, user=w.conseiller, aids=["fass"], note="SECRET-FIN")
    operations.record_follow_up(case, user=w.conseiller, care_planned_on=None, note="SECRET-FOLLOW")
    users = {
        "conseiller": w.conseiller,
        "cpam_manager": w.cpam_manager,
        "detector": w.detector,
        "detector_manager": w.detector_manager,
        "other_detector": w.other_detector,
        "coordinator": w.coordinator,
    }
    return users, case


def _call(client, method, url, data, page):
    if method == "GET":
        return client.get(url)
    return client.submit(url, data, page=page)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(matrix, logged_in, role):
    users, case = matrix
    client = logged_in(users[role])
    token_page = "/cpam/signalements"  # a page every member opens, for the CSRF token
    for method, template, allowed, data in ENDPOINTS:
        url = template.format(case=case.id)
        response = _call(client, method, url, data, token_page)
        if role in allowed:
            assert response.status_code != 403, (method, url, role)
        else:
            assert response.status_code == 403, (method, url, role, response.status_code)
        if role not in CPAM:
            html = response.get_data(as_text=True)
            leaked = [secret for secret in SECRETS if secret in html]
            assert not leaked, (method, url, role, leaked)


@pytest.mark.parametrize("role", sorted(FILERS))
def test_the_detector_sees_steps_and_outcome_not_internal_notes(matrix, logged_in, role):
    users, case = matrix
    html = logged_in(users[role]).get(f"/cpam/dossiers/{case.id}").get_data(as_text=True)
    assert "Premier contact établi" in html and "Bilan des droits mis à jour" in html
    assert "Suivi jusqu&#39;aux soins" in html or "Suivi jusqu'aux soins" in html
    assert 'data-testid="internal"' not in html and 'data-testid="notes"' not in html
    assert "Rosa Pereira" in html  # their own file


def test_the_conseiller_sees_everything(matrix, logged_in):
    """Across the case's pages: the summary, each stage, the notes."""
    users, case = matrix
    client = logged_in(users["conseiller"])
    pages = ["", "/contact", "/droits", "/praticiens", "/financement", "/suivi", "/cloture", "/notes"]
    html = "".join(client.get(f"/cpam/dossiers/{case.id}{page}").get_data(as_text=True) for page in pages)
    for secret in SECRETS[:5]:
        assert secret in html
    assert "06 12 34 56 78" in html  # the phone shared with the MAS


def test_another_partner_does_not_list_the_case(matrix, logged_in):
    users, case = matrix
    html = logged_in(users["other_detector"]).get("/cpam/signalements").get_data(as_text=True)
    assert "Rosa" not in html and f'data-case="{case.id}"' not in html
    assert logged_in(users["other_detector"]).get(f"/cpam/dossiers/{case.id}").status_code == 403


def test_reading_a_case_is_logged(matrix, logged_in):
    users, case = matrix
    logged_in(users["detector"]).get(f"/cpam/dossiers/{case.id}")
    logged_in(users["conseiller"]).get(f"/cpam/dossiers/{case.id}")
    rows = db.session.scalars(
        sa.select(PersonAccessLog).where(
            PersonAccessLog.person_id == case.person_id, PersonAccessLog.purpose == "cpam.show"
        )
    ).all()
    assert {row.user_id for row in rows} == {users["detector"].id, users["conseiller"].id}
    assert all(row.orientation_id == case.orientation_id for row in rows)


def test_an_unknown_case_is_404(matrix, logged_in):
    users, _case = matrix
    assert logged_in(users["conseiller"]).get("/cpam/dossiers/999999").status_code == 404


def test_the_queue_lists_the_case_in_its_tab(matrix, logged_in):
    users, case = matrix
    client = logged_in(users["conseiller"])
    assert f'data-case="{case.id}"' in client.get("/cpam/file?onglet=en-cours").get_data(as_text=True)
    assert f'data-case="{case.id}"' not in client.get("/cpam/file").get_data(as_text=True)


def test_get_never_changes_a_case(matrix, logged_in):
    users, case = matrix
    before = (case.stage, case.last_progress_at)
    logged_in(users["conseiller"]).get(f"/cpam/dossiers/{case.id}")
    db.session.refresh(case)
    assert (case.stage, case.last_progress_at) == before
