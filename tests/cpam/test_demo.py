"""The demo has a CPAM team with cases in every step and every outcome, and loads twice without duplicates."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.cpam.models import CaseOutcome, CaseStage, MasCase, MasTeam
from orientation.demo import load_demo_data
from orientation.extensions import db
from orientation.referrals.lifecycle import OrientationStatus as S


def test_demo_cases_in_every_step_and_outcome(app):
    load_demo_data()
    load_demo_data()
    cases = db.session.scalars(sa.select(MasCase)).all()
    assert len(cases) == 15
    assert {case.stage for case in cases} == set(CaseStage)
    assert {case.outcome for case in cases if case.outcome} == set(CaseOutcome)
    assert any(case.waiting_on_person for case in cases)
    assert len(db.session.scalars(sa.select(MasTeam)).all()) == 2
    for case in cases:
        status = case.orientation.status
        if case.stage is CaseStage.NEW:
            assert status is S.SENT
        elif case.stage in (CaseStage.CONTACTING, CaseStage.UNREACHABLE):
            assert status is S.RECEIVED
        elif case.stage.is_working:
            assert status is S.IN_PROGRESS
        else:
            assert status.is_closed
    filers = {case.filed_by.email for case in cases}
    assert {"detecteur@demo.orientation.fr", "agent.edes@demo.orientation.fr"} <= filers
