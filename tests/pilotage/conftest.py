"""A small hand-built activity whose right figures are computed by hand in the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from orientation import clock
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import MembershipRole, OrganisationType
from orientation.pilotage.refresh import refresh_facts
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from tests import builders
from tests.referrals import builders as referral_builders

MARCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
AVIGNON, CARPENTRAS = "84007", "84031"  # CA du Grand Avignon, CA Ventoux-Comtat-Venaissin
GRAND_AVIGNON, COVE = "248400251", "248400053"


@dataclass
class World:
    sender_org: object
    receiver_org: object
    sender: object
    receiver: object
    manager: object
    coordinator: object
    service: object
    orientations: list = field(default_factory=list)
    number: int = 0

    def orient(self, commune: str, sent_at: datetime, steps) -> object:
        """Send an orientation at `sent_at`; each step: (hours after sending, status, extra arguments)."""
        self.number += 1
        person = referral_builders.person(
            self.sender_org,
            user=self.sender,
            first_name="Prénom",
            last_name=f"Secret{self.number:02d}",
            commune_code=commune,
        )
        need = referral_builders.need(person, Volet.NUMERIQUE, user=self.sender)
        with clock.frozen(sent_at) as frozen:
            orientation = operations.create_orientation(
                person,
                service_id=self.service.id,
                user=self.sender,
                organisation_id=self.sender_org.id,
                need_ids=[need.id],
                message="Bonjour",
                urgency="normal",
                shared_fields=["phone"],
                send=True,
            )
            for hours, status, extra in steps:
                frozen.set(sent_at + timedelta(hours=hours))
                actor = None if status is S.EXPIRED else self.receiver
                if status == "obtained":
                    db.session.refresh(orientation)
                    operations.record_service_obtained(orientation, user=self.sender, answer=extra["answer"])
                    continue
                lifecycle.transition(orientation, status, actor=actor, **extra)
        self.orientations.append(orientation)
        return orientation


def accepted_then(decision_hours, outcome_hours=None, outcome=None, answer=None, received_hours=None):
    steps = [(received_hours, S.RECEIVED, {}), (decision_hours, S.ACCEPTED, {})]
    if outcome_hours is not None:
        steps.append((outcome_hours, S.COMPLETED, {"outcome": outcome}))
    if answer is not None:
        steps.append((outcome_hours + 24 * 31, "obtained", {"answer": answer}))
    return steps


@pytest.fixture
def world():
    """11 orientations of one EDeS to one médiation numérique service (hand-computed figures in test_figures.py).

    March 2026 (10): 6 accepted (received after 2, 4, 6, 8, 10, 12 h; accepted after 24, 24, 48, 48, 72,
    96 h); 5 of them completed after 240, 240, 264, 288, 336 h (met ×3, partly met, not met), with
    "service obtenu" answers yes ×3, no ×2; 3 declined after 24 h (full, full, not eligible), received
    at once; 1 expired. April 2026 (1): sent, nothing else. People: 8 in Avignon, 3 in Carpentras.
    """
    sender_org = builders.organisation("EDeS de Test")
    receiver_org = builders.organisation("Médiation de Test", type=OrganisationType.MEDIATION_NUMERIQUE)
    sender = referral_builders.member(sender_org)
    receiver = referral_builders.member(receiver_org)
    manager = referral_builders.member(receiver_org, MembershipRole.MANAGER)
    coordinator = referral_builders.member(
        builders.organisation("Département", type=OrganisationType.DEPARTEMENT), coordinator=True
    )
    service = referral_builders.receiving_service(receiver_org, Volet.NUMERIQUE, name="Aide numérique de test")
    w = World(sender_org, receiver_org, sender, receiver, manager, coordinator, service)
    completions = [
        (240, Outcome.MET, "yes"),
        (240, Outcome.MET, "yes"),
        (264, Outcome.MET, "yes"),
        (288, Outcome.PARTLY_MET, "no"),
        (336, Outcome.NOT_MET, "no"),
        (None, None, None),
    ]
    for index, (received, decided) in enumerate(zip((2, 4, 6, 8, 10, 12), (24, 24, 48, 48, 72, 96), strict=True)):
        outcome_hours, outcome, answer = completions[index]
        commune = CARPENTRAS if index == 0 else AVIGNON
        w.orient(
            commune,
            MARCH + timedelta(days=index),
            accepted_then(decided, outcome_hours, outcome, answer, received_hours=received),
        )
    for index, reason in enumerate((Reason.FULL, Reason.FULL, Reason.NOT_ELIGIBLE)):
        commune = CARPENTRAS if index == 0 else AVIGNON
        w.orient(commune, MARCH + timedelta(days=10 + index), [(24, S.DECLINED, {"reason": reason})])
    w.orient(CARPENTRAS, MARCH + timedelta(days=15), [(24 * 31, S.EXPIRED, {"reason": Reason.NO_ANSWER})])
    w.orient(AVIGNON, datetime(2026, 4, 10, 9, 0, tzinfo=UTC), [])
    refresh_facts(full=True)
    db.session.flush()
    return w
