"""Two conseillers on one MAS case at the same moment (real PostgreSQL rows, separate connections).

- Two decisions at once (two stage moves, two closures): exactly one wins, the other gets the
  conflict refusal and nothing of it is written.
- Calls are facts, not decisions: two conseillers recording a call without answer at once both
  count (the count is exactly 2, no conflict), and the third failure makes the person unreachable
  exactly once.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from orientation.cpam import operations
from orientation.cpam.models import CaseEventKind, CaseStage, ContactAttempt, MasCase, MasCaseEvent, MasTeam
from orientation.extensions import db
from orientation.organisations.models import Organisation
from tests.cpam import builders as cpam_builders
from tests.race import committed_app as committed
from tests.race import race
from tests.referrals import builders as rb

pytestmark = pytest.mark.no_db_transaction


@pytest.fixture(scope="module")
def app():
    with committed("cpam_concurrency") as app:
        yield app


def _case(app, *, contacted: bool = False, failures: int = 0) -> tuple[int, int, int]:
    """A committed case, opened (and contacted, or with failed calls); ids of it and of two conseillers."""
    with app.app_context():
        world = cpam_builders.world()
        # The cases of earlier tests stay committed: only this world's team receives the saisine.
        db.session.execute(sa.update(MasTeam).where(MasTeam.id != world.team.id).values(active=False))
        case = world.saisine()
        operations.open_case(case, user=world.conseiller)
        if contacted:
            operations.record_contact_attempt(case, user=world.conseiller, succeeded=True, channel="phone", note=None)
        for _ in range(failures):
            operations.record_contact_attempt(case, user=world.conseiller, succeeded=False, channel="phone", note=None)
        second = rb.member(db.session.get(Organisation, world.cpam.id), first_name="Deuxième")
        db.session.commit()
        ids = case.id, world.conseiller.id, second.id
        db.session.remove()
    return ids


def _loaded(case_id: int, user_id: int):
    def prepare():
        case = db.session.get(MasCase, case_id)
        user = db.session.get(rb.User, user_id)
        _ = case.version, case.stage, case.team, case.orientation.version, user.memberships  # read before the race
        return case, user

    return prepare


def _move_to(stage: CaseStage):
    def act(loaded):
        operations.move_to_stage(loaded[0], user=loaded[1], stage=stage)
        return stage

    return act


def _events(app, case_id: int, kind: CaseEventKind) -> list[MasCaseEvent]:
    with app.app_context():
        events = list(
            db.session.scalars(
                sa.select(MasCaseEvent).where(MasCaseEvent.case_id == case_id, MasCaseEvent.kind == kind)
            )
        )
        db.session.remove()
    return events


@pytest.mark.parametrize("attempt", range(3))
def test_two_stage_moves_at_once_exactly_one_wins(app, attempt):
    case_id, first, second = _case(app, contacted=True)
    with app.app_context():
        version_before = db.session.get(MasCase, case_id).version
        db.session.remove()
    results = race(
        app,
        (_loaded(case_id, first), _move_to(CaseStage.FOLLOW_UP)),
        (_loaded(case_id, second), _move_to(CaseStage.PRACTITIONER_SEARCH)),
    )
    assert sorted(code for code, _ in results) == ["conflict", "won"], results
    refusal = next(value for code, value in results if code == "conflict")
    assert refusal.status == 409 and "en même temps que vous" in str(refusal)
    assert refusal.message("en") == "Someone changed the case at the same time: nothing was saved; read it again."
    with app.app_context():
        case = db.session.get(MasCase, case_id)
        winner = next(value for code, value in results if code == "won")
        assert case.stage is winner and case.version == version_before + 1
        db.session.remove()
    assert len(_events(app, case_id, CaseEventKind.STAGE_CHANGED)) == 1


def test_two_closures_at_once_exactly_one_wins(app):
    case_id, first, second = _case(app, contacted=True)
    results = race(
        app,
        (
            _loaded(case_id, first),
            lambda loaded: operations.close_case(loaded[0], user=loaded[1], outcome="care_done_fully", reason=None),
        ),
        (
            _loaded(case_id, second),
            lambda loaded: operations.close_case(loaded[0], user=loaded[1], outcome="abandoned", reason="Abandon"),
        ),
    )
    assert sorted(code for code, _ in results) == ["conflict", "won"], results
    (closed,) = _events(app, case_id, CaseEventKind.CLOSED)
    with app.app_context():
        case = db.session.get(MasCase, case_id)
        assert case.stage is CaseStage.CLOSED and closed.public_detail.startswith(case.outcome.label)
        db.session.remove()


def test_two_calls_without_answer_at_once_both_count(app):
    case_id, first, second = _case(app)
    results = race(
        app,
        *[
            (
                _loaded(case_id, user_id),
                lambda loaded: operations.record_contact_attempt(
                    loaded[0], user=loaded[1], succeeded=False, channel="phone", note=None
                ),
            )
            for user_id in (first, second)
        ],
    )
    assert [code for code, _ in results] == ["won", "won"], results
    with app.app_context():
        case = db.session.get(MasCase, case_id)
        assert case.failed_attempts == 2 and case.stage is CaseStage.CONTACTING and case.version == 4
        attempts = db.session.scalar(
            sa.select(sa.func.count()).select_from(ContactAttempt).where(ContactAttempt.case_id == case_id)
        )
        assert attempts == 2
        db.session.remove()
    failed = _events(app, case_id, CaseEventKind.CONTACT_FAILED)
    assert sorted(event.public_detail for event in failed) == ["Tentative n° 1", "Tentative n° 2"]


def test_the_third_failure_makes_the_person_unreachable_exactly_once(app):
    case_id, first, second = _case(app, failures=1)
    with app.app_context():
        third = rb.member(db.session.get(MasCase, case_id).team.organisation, first_name="Troisième")
        db.session.commit()
        third_id = third.id
        db.session.remove()
    results = race(
        app,
        *[
            (
                _loaded(case_id, user_id),
                lambda loaded: operations.record_contact_attempt(
                    loaded[0], user=loaded[1], succeeded=False, channel="phone", note=None
                ),
            )
            for user_id in (first, second, third_id)
        ],
    )
    assert [code for code, _ in results] == ["won", "won", "won"], results
    with app.app_context():
        case = db.session.get(MasCase, case_id)
        assert case.failed_attempts == 4 and case.stage is CaseStage.UNREACHABLE
        db.session.remove()
    (unreachable,) = _events(app, case_id, CaseEventKind.UNREACHABLE)
    assert unreachable.public_detail == "3 tentatives sans réponse"
    failed = _events(app, case_id, CaseEventKind.CONTACT_FAILED)
    assert sorted(event.public_detail for event in failed) == ["Tentative n° 1", "Tentative n° 2", "Tentative n° 4"]
