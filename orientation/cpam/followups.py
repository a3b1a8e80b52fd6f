"""The CPAM area's follow-up rules for MAS cases, declared to the engine (orientation.followups).

- No first contact 5 working days after the saisine → alert to the MAS team (its CPAM members).
- No progress for 60 days on an open case → follow-up to the team; again after each new progress
  (the occurrence is the last progress).
- An orientation closed outside its case (cancelled by the détecteur, consent withdrawn, decided on
  the orientation page) → the case is closed to match, and the détecteur told.
The outcome message at closure is queued by `operations.close_case` in the closing transaction.
MAS orientations are followed by their case, not by the referrals area's orientation rules.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from orientation.cpam import operations
from orientation.cpam.models import CaseStage, MasCase, MasTeam
from orientation.extensions import db
from orientation.followups.rules import Delay, Notice, Recipient, Rule, Unit, register
from orientation.notifications.models import SubjectType
from orientation.referrals.followups import leave_services_to
from orientation.referrals.lifecycle import CLOSED_STATUSES
from orientation.referrals.models import Orientation
from orientation.referrals.notifications import members_of

FIRST_CONTACT = Delay("cpam.first_contact", "FOLLOWUP_MAS_FIRST_CONTACT_WORKING_DAYS", Unit.WORKING_DAYS)
STALLED = Delay("cpam.stalled", "FOLLOWUP_MAS_STALLED_DAYS", Unit.DAYS)


def team(case: MasCase) -> list[Recipient]:
    return [Recipient("email", member.email, member) for member in members_of(case.team.organisation_id)]


def close_from_orientation(case_id: int) -> bool:
    operations.close_from_orientation(db.session.get(MasCase, case_id))
    return True


def _mas_services():
    return sa.select(MasTeam.service_id)


register(
    Rule(
        "cpam.no_first_contact",
        MasCase,
        since=MasCase.filed_at,
        delay=FIRST_CONTACT,
        where=lambda now: [
            MasCase.stage.in_([CaseStage.NEW, CaseStage.CONTACTING]),
            MasCase.first_contact_at.is_(None),
        ],
        notices=(Notice("mas_no_first_contact", team, "mas:{id}:no-first-contact", SubjectType.MAS_CASE),),
        context=lambda case, recipient, due: {"case": case, "recipient": recipient.user, "due": due},
        load=(joinedload(MasCase.team),),
    ),
    Rule(
        "cpam.stalled",
        MasCase,
        since=MasCase.last_progress_at,
        delay=STALLED,
        where=lambda now: [MasCase.stage != CaseStage.CLOSED],
        notices=(Notice("mas_stalled", team, "mas:{id}:stalled:{occurrence:%Y%m%d%H%M%S}", SubjectType.MAS_CASE),),
        context=lambda case, recipient, _due: {"case": case, "recipient": recipient.user},
        load=(joinedload(MasCase.team),),
    ),
    Rule(
        "cpam.closed_from_orientation",
        MasCase,
        since=MasCase.filed_at,
        where=lambda now: [
            MasCase.stage != CaseStage.CLOSED,
            sa.exists().where(Orientation.id == MasCase.orientation_id, Orientation.status.in_(CLOSED_STATUSES)),
        ],
        act=close_from_orientation,
    ),
)
# MAS orientations are followed by their case (first-contact alert, 60-day follow-up, closure),
# not by the generic orientation reminders.
leave_services_to(_mas_services)
