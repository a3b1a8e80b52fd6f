"""Need to know for the CPAM area: the only place these rules live.

- Détecteur: any member of a partner organisation that is not a CPAM files saisines, for people of
  its own organisation's files, and sees the cases its organisation filed: what was sent, the step
  reached, the public timeline, the outcome and its reason — never notes, call notes nor rights.
- CPAM conseiller: a member of the CPAM organisation of a MAS team sees and works every case of
  that team (notes and rights included).
- Anyone else, coordinators included: no case (403); the dashboard only, aggregated, with small
  counts hidden unless the user is a CPAM member.
- Santé: "médecin traitant déclaré" is recorded by the person's organisation, or by a centre de
  santé that received an orientation for that need.
"""

from __future__ import annotations

from flask import abort

from orientation.auth.models import User
from orientation.cpam.models import MasCase
from orientation.organisations.models import OrganisationType
from orientation.people.permissions import organisation_ids

HEALTH_CENTRE_TYPES = frozenset({OrganisationType.CENTRE_SANTE, OrganisationType.MSP})


def is_cpam_membership(membership) -> bool:
    return membership is not None and membership.organisation.type is OrganisationType.CPAM


def cpam_organisation_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.memberships if m.organisation.type is OrganisationType.CPAM}


def can_file_saisine(user: User, membership) -> bool:
    """ "Any trained partner user": a member, acting for a partner organisation that is not a CPAM."""
    return (
        membership is not None
        and membership.organisation_id in organisation_ids(user)
        and membership.organisation.type is not OrganisationType.CPAM
        and membership.organisation.active
    )


def can_file_for_person(user: User, membership, person) -> bool:
    return can_file_saisine(user, membership) and person.organisation_id == membership.organisation_id


def can_list_reports(user: User, membership) -> bool:
    """ "Mes signalements": the cases filed by the organisation the user acts for."""
    return membership is not None and membership.organisation_id in organisation_ids(user)


def is_conseiller(user: User, case: MasCase) -> bool:
    return case.team.organisation_id in cpam_organisation_ids(user)


def is_filer(user: User, case: MasCase) -> bool:
    return case.sender_organisation_id in organisation_ids(user)


def can_view_case(user: User, case: MasCase) -> bool:
    return is_conseiller(user, case) or is_filer(user, case)


def can_work_case(user: User, case: MasCase) -> bool:
    return is_conseiller(user, case)


def can_read_internal(user: User, case: MasCase) -> bool:
    """Notes, call notes, rights review, practitioners and financing details: the CPAM only."""
    return is_conseiller(user, case)


def can_view_queue(user: User, membership) -> bool:
    return is_cpam_membership(membership) and membership.organisation_id in organisation_ids(user)


def can_view_dashboard(user: User) -> bool:
    return user.is_authenticated and (user.is_coordinator or bool(cpam_organisation_ids(user)))


def sees_small_counts(user: User) -> bool:
    """CPAM members see exact figures of their own activity; others see counts under 5 hidden."""
    return bool(cpam_organisation_ids(user))


def can_declare_medecin_traitant(user: User, need, receiving_organisation_ids: set[int]) -> bool:
    """The person's organisation, or a centre de santé that received an orientation for this need."""
    member_of = organisation_ids(user)
    if need.person.organisation_id in member_of:
        return True
    return bool(member_of & receiving_organisation_ids)


def acting_organisation_for_need(user: User, membership, need, receiving_organisation_ids: set[int]) -> int:
    """The organisation the declaration is made for: the current one when it qualifies."""
    candidates = ({need.person.organisation_id} | set(receiving_organisation_ids)) & organisation_ids(user)
    if membership is not None and membership.organisation_id in candidates:
        return membership.organisation_id
    return min(candidates)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
