"""The MAS case's stage machine: its table, its refusals (codes and messages) and its version."""

from __future__ import annotations

import pytest

from orientation.cpam import lifecycle as case_lifecycle
from orientation.cpam import operations
from orientation.cpam.models import WORKING_STAGES, CaseStage
from orientation.statemachine import TransitionForbidden

C = CaseStage


def test_the_table_says_the_current_rules():
    table = case_lifecycle.TRANSITIONS
    assert (C.NEW, C.CONTACTING) in table and (C.NEW, C.RIGHTS_REVIEW) not in table
    assert all((frm, to) in table for frm in WORKING_STAGES for to in WORKING_STAGES if frm is not to)
    assert all(table[(frm, C.CLOSED)].needs_outcome for frm in CaseStage if frm is not C.CLOSED)
    assert not any(frm is C.CLOSED for frm, _ in table)  # a closed case never changes
    assert table[(C.RIGHTS_REVIEW, C.CLOSED)].sides >= case_lifecycle.SYSTEM  # closed from its orientation
    assert not any(case_lifecycle.SYSTEM & rule.sides for (_, to), rule in table.items() if to is not C.CLOSED)


def test_every_step_bumps_the_version(cpam_world):
    case = cpam_world.saisine()
    assert case.version == 1
    operations.open_case(case, user=cpam_world.conseiller)
    operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=False, channel="phone", note=None)
    operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
    operations.move_to_stage(case, user=cpam_world.conseiller, stage="practitioner_search")
    operations.record_follow_up(case, user=cpam_world.conseiller, care_planned_on=None, note=None)
    operations.close_case(case, user=cpam_world.conseiller, outcome="care_done_fully", reason=None)
    assert case.version == 7 and case.failed_attempts == 1 and case.stage is C.CLOSED


@pytest.mark.parametrize(
    ("stage", "message"),
    [("rights_review", "déjà à l'étape"), ("contacting", "Choisissez une étape"), ("closed", "Choisissez une étape")],
)
def test_stage_refusals(cpam_world, stage, message):
    case = cpam_world.saisine()
    operations.record_contact_attempt(case, user=cpam_world.conseiller, succeeded=True, channel="phone", note=None)
    with pytest.raises(operations.MasRefused, match=message) as refused:
        operations.move_to_stage(case, user=cpam_world.conseiller, stage=stage)
    assert refused.value.status == 422 and refused.value.form_status == 400


def test_closure_refusals_name_their_field(cpam_world):
    case = cpam_world.saisine()
    with pytest.raises(operations.MasRefused) as refused:
        operations.close_case(case, user=cpam_world.conseiller, outcome="", reason=None)
    assert (refused.value.code, refused.value.field) == ("outcome_required", "outcome")
    with pytest.raises(operations.MasRefused) as refused:
        operations.close_case(case, user=cpam_world.conseiller, outcome="abandoned", reason="")
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


def test_only_the_teams_conseillers_move_a_case(cpam_world):
    case = cpam_world.saisine()
    with pytest.raises(TransitionForbidden) as refused:
        case_lifecycle.transition(case, C.CONTACTING, actor=cpam_world.detector)
    assert refused.value.status == 403 and refused.value.message("en").startswith("Only the MAS conseillers")
    with pytest.raises(TransitionForbidden):
        case_lifecycle.transition(case, C.CONTACTING, actor=None)  # only a closure is made by the system
    assert case.stage is C.NEW and case.version == 1
