"""Who acts in this request: the logged-in user, through which of their memberships.

A bottom module (flask and flask-login only), so that the areas below the accounts — the audit log
names the structure an agent acted for — read it without importing them; `auth.session` chooses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, session
from flask_login import current_user

if TYPE_CHECKING:
    from orientation.organisations.models import Membership

CURRENT_MEMBERSHIP_KEY = "membership_id"


def current_membership() -> Membership | None:
    """The membership the user acts through (chosen in the header when they have several)."""
    if "current_membership" in g:
        return g.current_membership
    membership = None
    if current_user.is_authenticated and current_user.memberships:
        wanted = session.get(CURRENT_MEMBERSHIP_KEY)
        membership = next((m for m in current_user.memberships if m.id == wanted), None)
        membership = membership or current_user.memberships[0]
    g.current_membership = membership
    return membership
