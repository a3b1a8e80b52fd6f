"""Who may manage organisations and their members: the only place these rules live."""

from __future__ import annotations

from flask import abort

from orientation.auth.models import User
from orientation.organisations.models import Membership, MembershipRole, Organisation


def is_manager_of(user: User, organisation: Organisation) -> bool:
    return any(m.organisation_id == organisation.id and m.role is MembershipRole.MANAGER for m in user.memberships)


def manages_acting_structure(user: User, membership: Membership | None) -> bool:
    """The user acts, right now, as a manager of the structure of `membership` (their current one)."""
    return (
        user.is_authenticated
        and membership is not None
        and membership.user_id == user.id
        and membership.role is MembershipRole.MANAGER
    )


def can_manage_organisations(user: User) -> bool:
    return user.is_authenticated and user.is_coordinator


def can_manage_members(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and (user.is_coordinator or is_manager_of(user, organisation))


def can_grant_coordinator(user: User) -> bool:
    return user.is_authenticated and user.is_coordinator


def can_change_membership(user: User, membership: Membership) -> bool:
    """Managers manage their own organisation's members, but never lock the organisation out."""
    return can_manage_members(user, membership.organisation)


def can_moderate_join_requests(user: User) -> bool:
    """The coordination examines the join requests whose address does not prove the structure."""
    return user.is_authenticated and user.is_coordinator


def can_attach_structures(user: User) -> bool:
    """The coordination attaches directory structures to organisations and chooses who receives a service."""
    return user.is_authenticated and user.is_coordinator


def manages_a_structure(user: User) -> bool:
    """« Ma structure » and « Membres » in the menu: the user manages at least one structure (acting for
    another one, the page offers to switch to the one they manage)."""
    return user.is_authenticated and any(m.role is MembershipRole.MANAGER for m in user.memberships)


def can_manage_own_structure(user: User, membership: Membership | None) -> bool:
    """« Ma structure »: a manager runs the structure they act for (details, services, members, reception,
    API); never another structure, whatever its id in a URL."""
    return manages_acting_structure(user, membership)


def can_manage_reception(user: User, membership: Membership | None) -> bool:
    """« Ma structure »: a manager decides which of their structure's services accept tracked orientations."""
    return can_manage_own_structure(user, membership)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
