"""Who may add and open an orientation's documents: the only place these rules live.

Need to know, as for the orientation itself: its sender's and its receiver's members (the
receiver once it was sent). Adding is for an orientation that is not closed.
"""

from __future__ import annotations

from flask import abort

from orientation.referrals import permissions as referral_permissions


def can_view(user, orientation) -> bool:
    return referral_permissions.can_view_orientation(user, orientation)


def can_add(user, orientation) -> bool:
    return can_view(user, orientation) and not orientation.status.is_closed


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
