"""Who manages an organisation's API access: its managers (not coordinators as such: a token acts
on the organisation's orientations, which only its members see)."""

from __future__ import annotations

from flask import abort

from orientation.organisations.permissions import manages_acting_structure


def can_manage_api(user, membership) -> bool:
    return manages_acting_structure(user, membership)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
