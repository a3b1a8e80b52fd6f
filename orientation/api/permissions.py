"""Who manages an organisation's API access: its managers (not coordinators as such: a token acts
on the organisation's orientations, which only its members see)."""

from __future__ import annotations

from flask import abort

from orientation.organisations.models import MembershipRole


def can_manage_api(user, membership) -> bool:
    return (
        user.is_authenticated
        and membership is not None
        and membership.user_id == user.id
        and membership.role is MembershipRole.MANAGER
    )


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
