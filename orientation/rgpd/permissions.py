"""Who may exercise the RGPD tools on a person's file: the only place these rules live.

- The file's agents (members of the organisation that keeps it) answer the person's requests:
  export of the data and the "what was shared" page (need to know: as for the file itself).
- The journal of accesses and changes is for the organisation's managers (their own people) and
  the person's référent·e.
- Erasure is a decision: the organisation's manager or the référent·e.
- The journal of the whole structure (every access to its files, whoever made it) is for the
  manager of the organisation they are acting for.
"""

from __future__ import annotations

from flask import abort

from orientation.organisations.models import MembershipRole
from orientation.organisations.permissions import manages_acting_structure
from orientation.people import permissions as people_permissions


def _manages(user, organisation_id: int) -> bool:
    return user.is_authenticated and any(
        membership.organisation_id == organisation_id and membership.role == MembershipRole.MANAGER
        for membership in user.memberships
    )


def _is_referent(user, person) -> bool:
    return (
        user.is_authenticated
        and person.referent_id is not None
        and person.referent_id == user.id
        and people_permissions.can_view_person(user, person)
    )


def can_export(user, person) -> bool:
    return people_permissions.can_view_person(user, person)


def can_view_shared(user, person) -> bool:
    return people_permissions.can_view_person(user, person)


def can_view_journal(user, person) -> bool:
    return _manages(user, person.organisation_id) or _is_referent(user, person)


def can_erase(user, person) -> bool:
    return _manages(user, person.organisation_id) or _is_referent(user, person)


def can_view_structure_journal(user, membership) -> bool:
    return manages_acting_structure(user, membership)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
