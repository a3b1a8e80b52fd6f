"""MAS cases: saisine, routing, the steps with the orientation kept in step, every outcome, refusals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from orientation.cpam import operations
from orientation.cpam.models import CaseEventKind, CaseOutcome, CaseStage, MasCase, MasCaseEvent
from orientation.extensions import db
from orientation.followups.sweep import run_sweep
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.people.catalogue import NeedCode
from orientation.people.models import Consent, NeedStatus, Person
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from orientation.referrals.models import Orientation
from tests import builders
from tests.cpam.builders import mas_team


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def contacted(world) -> MasCase:
    case = world.saisine()
    operations.record_contact_attempt(case, user=world.conseiller, succeeded=True, channel="phone", note="ok")
    return case


def test_saisine_is_an_orientation_to_the_mas_with_a_case_and_the_cpam_consent(cpam_world):
    case = cpam_world.saisine(care_kinds=["dentaire", "optique"], reasons=["reste_a_charge", "fear"], urgency="urgent")
    orientation = case.orientation
    assert orientation.status is S.SENT and orientation.service_id == cpam_world.team.service_id
    assert orientation.receiver_organisation_id == cpam_world.cpam.id
    assert orientation.sender_organisation_id == cpam_world.detector_org.id
    assert case.stage is CaseStage.NEW and case.team_id == cpam_world.team.id
    assert [k.value for k in case.care_kinds] == ["dentaire", "optique"]
    assert case.consent.scope == ["sante"] and "CPAM" in case.consent.purpose
    assert orientation.consent_id == case.consent_id
    (need,) = orientation.needs
    assert need.code is NeedCode.SANTE_RENONCEMENT and {"dentaire", "optique", "raison_cout", "raison_peur"} <= set(
        need.details
    )
    assert [e.kind for e in case.events] == [CaseEventKind.FILED]


def test_saisine_without_consent_is_refused_and_writes_nothing(cpam_world):
    before = (count(MasCase), count(Orientation), count(Consent))
    with pytest.raises(operations.MasRefused, match="accepter d'être contactée"):
        cpam_world.saisine(consent_given=False)
    assert (count(MasCase), count(Orientation), count(Consent)) == before


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"care_kinds": []}, "au moins un soin"),
        ({"reasons": []}, "au moins une raison"),
        ({"care_kinds": ["other"]}, "autre soin"),
        ({"reasons": ["other"]}, "autre raison"),
    ],
)
def test_saisine_needs_care_and_reasons(cpam_world, overrides, message):
    with pytest.raises(operations.MasRefused, match=message):
        cpam_world.saisine(**overrides)


def test_saisine_form_without_consent_keeps_what_was_typed(cpam_world, logged_in):
    client = logged_in(cpam_world.detector)
    response = client.submit(
        "/cpam/saisine",
        {
            "first_name": "Odette",
            "last_name": "Vidal",
            "commune_code": "84035",
            "phone": "06 11 22 33 44",
            "contact_preference": "phone",
            "care_kinds": ["optique"],
            "reasons": ["distance"],
            "urgency": "soon",
            "call_channel": "phone",
            "consent_method": "oral",
            "message": "Message à garder",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "accepter d&#39;être contactée" in html or "accepter d'être contactée" in html
    assert 'value="Odette"' in html and "Message à garder" in html
    assert '<input checked id="care_kinds-1" name="care_kinds" type="checkbox" value="optique">' in html
    assert db.session.scalar(sa.select(Person).where(Person.first_name == "Odette")) is None


def test_saisine_form_quick_entry_creates_the_file_and_the_case(cpam_world, logged_in):
    client = logged_in(cpam_world.detector)
    response = client.submit(
        "/cpam/saisine",
        {
            "first_name": "Odette",
            "last_name": "Vidal",
            "commune_code": "84035",
            "phone": "06 11 22 33 44",
            "contact_preference": "phone",
            "care_kinds": ["optique"],
            "reasons": ["distance"],
            "urgency": "soon",
            "call_channel": "phone",
            "consent_method": "oral",
            "consent_given": "y",
            "call_slots": ["morning"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    person = db.session.scalar(sa.select(Person).where(Person.first_name == "Odette"))
    case = db.session.scalar(sa.select(MasCase).where(MasCase.person_id == person.id))
    assert person.organisation_id == cpam_world.detector_org.id and case.stage is CaseStage.NEW
    assert response.headers["Location"].endswith(f"/cpam/dossiers/{case.id}")


def test_saisine_quick_entry_warns_of_a_possible_duplicate_and_creates_it_once_confirmed(cpam_world, logged_in):
    client = logged_in(cpam_world.detector)
    existing = cpam_world.person  # Rosa Pereira, no birth date, in the détecteur's files
    data = {
        "first_name": "rosa",
        "last_name": "PÉREIRA",
        "commune_code": "84035",
        "phone": "06 11 22 33 44",
        "contact_preference": "phone",
        "care_kinds": ["optique"],
        "reasons": ["distance"],
        "urgency": "soon",
        "call_channel": "phone",
        "consent_method": "oral",
        "consent_given": "y",
        "message": "Tôt le matin",
    }
    response = client.submit("/cpam/saisine", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="duplicate-warning"' in html
    assert f'href="/cpam/saisine?personne={existing.id}"' in html and "Tôt le matin" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MasCase)) == 0
    response = client.submit("/cpam/saisine", {**data, "confirm_duplicate": "y"})
    assert response.status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Person).where(Person.organisation_id == cpam_world.detector_org.id)
        )
        == 2
    )


def test_saisine_for_an_existing_file_of_another_structure_is_forbidden(cpam_world, logged_in):
    client = logged_in(cpam_world.other_detector)
    assert client.get(f"/cpam/saisine?personne={cpam_world.person.id}").status_code == 403


def test_cpam_members_do_not_file_saisines(cpam_world, logged_in):
    assert logged_in(cpam_world.conseiller).get("/cpam/saisine").status_code == 403


def test_routing_by_commune_then_epci_then_departement(cpam_world):
    from orientation.territory.models import Commune

    cavaillon = db.session.get(Commune, "84035")
    by_epci = mas_team(cpam_world.cpam, zones=[cavaillon.epci_siren], name="Sud")
    by_commune = mas_team(cpam_world.cpam, zones=["84035"], name="Cavaillon")
    assert operations.route_team("84035").id == by_commune.id
    assert (
        operations.route_team(next(c.code_insee for c in cavaillon.epci.communes if c.code_insee != "84035")).id
        == by_epci.id
    )
    assert operations.route_team("84087").id == cpam_world.team.id  # Orange: the département's team
    assert operations.route_team(None).id == cpam_world.team.id


def test_no_team_for_the_territory_is_refused(cpam_world):
    cpam_world.team.active = False
    with pytest.raises(operations.MasRefused, match="Aucune équipe"):
        cpam_world.saisine()


def test_three_failed_attempts_make_the_person_unreachable(cpam_world):
    case = cpam_world.saisine()
    operations.open_case(case, user=cpam_world.conseiller)
    assert case.orientation.status is S.RECEIVED and case.stage is CaseStage.CONTACTING
    for _ in range(3):
        operations.record_contact_attempt(
            case, user=cpam_world.conseiller, succeeded=False, channel="phone", note="messagerie"
        )
    assert case.stage is CaseStage.UNREACHABLE and case.failed_attempts == 3
    operations.close_case(case, user=cpam_world.conseiller, outcome="unreachable", reason="Trois appels")
    db.session.refresh(case.orientation)
    assert case.orientation.status is S.DECLINED
    assert case.orientation.events[-1].reason is Reason.UNREACHABLE


def test_a_late_answer_after_unreachable_resumes_the_case(cpam_world):
    case = cpam_world.saisine()
    for _ in range(3):
        operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=False, channel="phone", note=None)
    operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
    assert case.stage is CaseStage.RIGHTS_REVIEW and case.orientation.status is S.IN_PROGRESS


def test_every_step_to_care_done(cpam_world):
    case = cpam_world.saisine()
    conseiller = cpam_world.conseiller
    operations.record_contact_attempt(case, user=conseiller, succeeded=True, channel="phone", note="ok")
    assert case.first_contact_at is not None and case.orientation.status is S.IN_PROGRESS
    assert case.stage is CaseStage.RIGHTS_REVIEW
    operations.update_rights(case, user=conseiller, statuses={"css": "opened", "ame": None, "ald": "not_eligible"})
    assert {(r.right.value, r.status.value) for r in case.rights} == {("css", "opened"), ("ald", "not_eligible")}
    operations.move_to_stage(case, user=conseiller, stage="practitioner_search")
    operations.record_practitioners(case, user=conseiller, service_ids=[cpam_world.team.service_id], note="x")
    operations.move_to_stage(case, user=conseiller, stage="financial_arrangement")
    operations.record_financing(case, user=conseiller, aids=["fass"], note="Devis 900 €")
    operations.record_follow_up(case, user=conseiller, care_planned_on=None, note="RDV pris")
    assert case.stage is CaseStage.FOLLOW_UP
    operations.close_case(case, user=conseiller, outcome="care_done_fully", reason=None)
    db.session.refresh(case.orientation)
    assert case.stage is CaseStage.CLOSED and case.outcome is CaseOutcome.CARE_DONE_FULLY
    assert case.orientation.status is S.COMPLETED and case.orientation.outcome is Outcome.MET
    assert case.orientation.needs[0].status is NeedStatus.MET  # the parcours closes on the need
    kinds = [
        e.kind
        for e in db.session.scalars(
            sa.select(MasCaseEvent).where(MasCaseEvent.case_id == case.id).order_by(MasCaseEvent.id)
        )
    ]
    assert kinds[0] is CaseEventKind.FILED and kinds[-1] is CaseEventKind.CLOSED


ONGOING_EXPECTED = {
    CaseOutcome.CARE_DONE_FULLY: (S.COMPLETED, Outcome.MET),
    CaseOutcome.CARE_DONE_PARTLY: (S.COMPLETED, Outcome.PARTLY_MET),
    CaseOutcome.REORIENTED: (S.COMPLETED, Outcome.NOT_MET),
    CaseOutcome.ABANDONED: (S.ABANDONED, None),
    CaseOutcome.UNREACHABLE: (S.ABANDONED, None),
    CaseOutcome.NOT_ELIGIBLE: (S.ABANDONED, None),
    CaseOutcome.NO_FOLLOW_UP: (S.ABANDONED, None),
}


@pytest.mark.parametrize("outcome", list(CaseOutcome))
def test_every_outcome_after_first_contact(cpam_world, outcome):
    case = contacted(cpam_world)
    operations.close_case(case, user=cpam_world.conseiller, outcome=outcome, reason="Le motif")
    db.session.refresh(case.orientation)
    assert (case.orientation.status, case.orientation.outcome) == ONGOING_EXPECTED[outcome]
    assert case.closure_reason == "Le motif" and case.closed_at is not None


@pytest.mark.parametrize(
    "outcome, expected",
    [
        (CaseOutcome.REORIENTED, S.REDIRECTED),
        (CaseOutcome.ABANDONED, S.DECLINED),
        (CaseOutcome.UNREACHABLE, S.DECLINED),
        (CaseOutcome.NOT_ELIGIBLE, S.DECLINED),
        (CaseOutcome.NO_FOLLOW_UP, S.DECLINED),
        (CaseOutcome.CARE_DONE_FULLY, S.COMPLETED),
    ],
)
def test_every_outcome_before_first_contact(cpam_world, outcome, expected):
    case = cpam_world.saisine()
    operations.close_case(case, user=cpam_world.conseiller, outcome=outcome, reason="Le motif")
    db.session.refresh(case.orientation)
    assert case.orientation.status is expected and case.stage is CaseStage.CLOSED


@pytest.mark.parametrize("outcome", [None, "", "nope"])
def test_closure_without_outcome_is_refused(cpam_world, outcome):
    case = contacted(cpam_world)
    with pytest.raises(operations.MasRefused, match="résultat"):
        operations.close_case(case, user=cpam_world.conseiller, outcome=outcome, reason="x")
    assert case.stage is CaseStage.RIGHTS_REVIEW and case.orientation.status is S.IN_PROGRESS


def test_closure_other_than_care_done_needs_a_reason(cpam_world):
    case = contacted(cpam_world)
    with pytest.raises(operations.MasRefused, match="motif"):
        operations.close_case(case, user=cpam_world.conseiller, outcome="abandoned", reason=" ")


def test_closure_page_without_outcome_is_refused_and_keeps_the_reason(cpam_world, logged_in):
    case = contacted(cpam_world)
    client = logged_in(cpam_world.conseiller)
    response = client.submit(
        f"/cpam/dossiers/{case.id}/cloture", {"reason": "Motif tapé"}, page=f"/cpam/dossiers/{case.id}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choisissez le résultat" in html and "Motif tapé" in html
    db.session.expire_all()
    assert db.session.get(MasCase, case.id).stage is CaseStage.RIGHTS_REVIEW


def test_a_closed_case_cannot_change(cpam_world):
    case = contacted(cpam_world)
    operations.close_case(case, user=cpam_world.conseiller, outcome="care_done_partly", reason=None)
    for action in (
        lambda: (
            operations.add_note(case, user=cpam_world.conseiller, body="x")
            and operations.move_to_stage(case, user=cpam_world.conseiller, stage="follow_up")
        ),
        lambda: operations.close_case(case, user=cpam_world.conseiller, outcome="abandoned", reason="x"),
        lambda: operations.record_contact_attempt(
            case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None
        ),
    ):
        with pytest.raises(operations.MasRefused, match="clos"):
            action()


def test_steps_need_the_first_contact(cpam_world):
    case = cpam_world.saisine()
    with pytest.raises(operations.MasRefused, match="premier contact"):
        operations.move_to_stage(case, user=cpam_world.conseiller, stage="follow_up")
    with pytest.raises(operations.MasRefused, match="premier contact"):
        operations.update_rights(case, user=cpam_world.conseiller, statuses={"css": "opened"})


def test_an_orientation_cancelled_by_the_detector_closes_the_case(cpam_world):
    case = cpam_world.saisine()
    lifecycle.transition(case.orientation, S.CANCELLED, actor=cpam_world.detector, reason=Reason.NO_LONGER_NEEDED)
    report = run_sweep(only="cpam.")
    assert report["cpam.closed_from_orientation"] == 1
    db.session.refresh(case)
    assert case.stage is CaseStage.CLOSED and case.outcome is CaseOutcome.NO_FOLLOW_UP
    assert "Annulée" in case.closure_reason


def test_closure_tells_the_detector_the_mas_outcome_once(cpam_world, outbox):
    case = contacted(cpam_world)
    db.session.commit()
    outbox.clear()
    operations.close_case(case, user=cpam_world.conseiller, outcome="care_done_fully", reason=None)
    db.session.commit()
    to_detector = [m for m in outbox if m.to == [cpam_world.detector.email]]
    assert [m.subject for m in to_detector] == [f"Renoncement aux soins : résultat de votre signalement n° {case.id}"]
    assert "Soins réalisés totalement" in to_detector[0].body and "Rosa" not in to_detector[0].body
    replaced = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.template == "orientation_update",
            OutboxMessage.subject_id == case.orientation_id,
            OutboxMessage.status == MessageStatus.CANCELLED,
        )
    )
    assert list(replaced)


def test_a_second_partner_files_for_its_own_person(cpam_world):
    from tests.referrals import builders as rb

    person = rb.person(cpam_world.other_org, user=cpam_world.other_detector, consent=False, commune_code="84087")
    case = cpam_world.saisine(person, by=cpam_world.other_detector, organisation=cpam_world.other_org)
    assert case.sender_organisation_id == cpam_world.other_org.id
    assert builders  # the module's builders stay importable for other tests


def test_saisine_for_an_existing_file_is_logged_and_keeps_the_file(cpam_world, logged_in):
    from orientation.audit.models import PersonAccessLog

    client = logged_in(cpam_world.detector)
    url = f"/cpam/saisine?personne={cpam_world.person.id}"
    assert 'data-testid="existing-person"' in client.get(url).get_data(as_text=True)
    response = client.submit(
        url,
        {
            "care_kinds": ["audition"],
            "reasons": ["fear"],
            "urgency": "normal",
            "call_channel": "sms",
            "consent_method": "written",
            "consent_given": "y",
        },
    )
    assert response.status_code == 302
    case = db.session.scalar(sa.select(MasCase).where(MasCase.person_id == cpam_world.person.id))
    assert case.call_channel.value == "sms" and case.consent.method.value == "written"
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PersonAccessLog)
            .where(PersonAccessLog.person_id == cpam_world.person.id, PersonAccessLog.purpose == "cpam.saisine")
        )
        >= 2
    )


def test_closing_a_case_is_confirmed_first_saying_who_is_told(cpam_world, logged_in):
    case = contacted(cpam_world)
    db.session.commit()
    client = logged_in(cpam_world.conseiller)
    url = page = f"/cpam/dossiers/{case.id}/cloture"  # the closing page (GET) sends its form to the same URL
    assert "data-confirm-form" in client.get(page).get_data(as_text=True)
    data = {"outcome": "abandoned", "reason": "Ne souhaite plus être aidée"}
    asked = client.submit(url, data, page=page)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Confirmer la clôture du dossier MAS" in html
    assert f"Un e-mail prévient {case.sender_organisation.name}" in html and "L&#39;orientation liée passe à" in html
    assert 'name="reason" value="Ne souhaite plus être aidée"' in html
    db.session.expire_all()
    assert db.session.get(MasCase, case.id).stage is not CaseStage.CLOSED
    assert client.submit(url, {**data, "confirmed": "1"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(MasCase, case.id).stage is CaseStage.CLOSED
