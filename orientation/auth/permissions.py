"""Access rules of the auth area: who must use a second factor, who may turn it off."""

from __future__ import annotations

from flask import current_app

from orientation import signals
from orientation.auth.models import User


def roles_of(user: User) -> set[str]:
    """The roles MFA_REQUIRED_ROLES speaks of: "coordinator", and those other areas give (`signals.user_roles`:
    "cpam", member of a CPAM organisation)."""
    roles = set()
    if user.is_coordinator:
        roles.add("coordinator")
    for _receiver, given in signals.user_roles.send(user):
        roles |= set(given or ())
    return roles


def is_mfa_required(user: User) -> bool:
    required = set(current_app.config["MFA_REQUIRED_ROLES"])
    return bool(required) and bool(roles_of(user) & required)


def can_disable_totp(user: User) -> bool:
    return user.has_totp and not is_mfa_required(user)


def can_reset_second_factor(actor: User, target: User) -> bool:
    """The coordination resets a colleague's lost second factor (never its own: that needs a second person)."""
    return actor.is_authenticated and actor.is_coordinator and actor.id != target.id and target.has_totp


def can_view_security_journal(user: User) -> bool:
    """Every account's logins and changes of rights: the coordination (the département's security officer)."""
    return user.is_authenticated and user.is_coordinator
