"""Need to know for people's files: the only place these rules live.

A person's file belongs to the organisation that recorded it; only its members read or change it.
Receivers of an orientation see the person only through that orientation, and only the fields the
sender shared (see referrals.permissions). Being a coordinator grants nothing here: coordinators
see aggregates; one who is also a member of a structure sees that structure's files as a member.
"""

from __future__ import annotations

from flask import abort

from orientation.auth.models import User
from orientation.people.models import Person


def organisation_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {membership.organisation_id for membership in user.memberships}


def can_keep_files(user: User, organisation_id: int | None) -> bool:
    """Record people for this organisation (the one the user acts for)."""
    return organisation_id is not None and organisation_id in organisation_ids(user)


def can_view_person(user: User, person: Person) -> bool:
    return person.organisation_id in organisation_ids(user)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
