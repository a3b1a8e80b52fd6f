"""Who reads which steering figures: the only place these rules live.

- Coordinator: the whole département, every filter.
- Structure manager: their own structure's orientations (received or sent), nothing else.
- CPAM member: the MAS figures, on the CPAM's own dashboard (cpam.dashboard).
Everyone sees aggregates only, with small counts hidden: no figure leads to a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from orientation.auth.models import User
from orientation.cpam.permissions import cpam_organisation_ids


@dataclass(frozen=True)
class Scope:
    organisation_id: int | None  # None: the whole département
    organisation_name: str = "Vaucluse"

    @property
    def is_departement(self) -> bool:
        return self.organisation_id is None


def scope_for(user: User, membership) -> Scope | None:
    if not user.is_authenticated:
        return None
    if user.is_coordinator:
        return Scope(None)
    if membership is not None and membership.is_manager and membership.organisation.active:
        return Scope(membership.organisation_id, membership.organisation.name)
    return None


def sees_mas_dashboard(user: User) -> bool:
    return user.is_authenticated and bool(cpam_organisation_ids(user))


def can_view_pilotage(user: User, membership) -> bool:
    return scope_for(user, membership) is not None


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
