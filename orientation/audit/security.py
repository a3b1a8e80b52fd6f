"""Write the security journal in the caller's transaction (the view commits).

One door, `record()`: the account concerned, what happened, and — taken from the request — from
where, and who did it when that is someone else than the account's owner. Failed logins are
written in a transaction of their own (`record_now`), since the page that refuses them rolls
nothing back but commits nothing either.
"""

from __future__ import annotations

from flask import has_request_context

from orientation import clock
from orientation.audit.models import SecurityEvent, SecurityEventKind
from orientation.audit.operations import request_origin
from orientation.extensions import db


def acting_user_id() -> int | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user.id if getattr(current_user, "is_authenticated", False) else None


def record(
    kind: SecurityEventKind, *, user=None, email: str | None = None, organisation=None, detail: dict | None = None
) -> SecurityEvent:
    """`user`: the account concerned (or None, with the `email` that was typed); `organisation`: the
    structure whose access changed (a role, a token). The actor is the logged-in user, kept only
    when it is not the account itself."""
    user_id = getattr(user, "id", user)
    actor_id = acting_user_id()
    typed = email or getattr(user, "email", None)
    event = SecurityEvent(
        at=clock.now(),
        kind=SecurityEventKind(kind).value,
        user_id=user_id,
        email=typed[:254] if typed else None,
        actor_id=actor_id if actor_id != user_id else None,
        organisation_id=getattr(organisation, "id", organisation),
        detail=detail or None,
        **request_origin(),
    )
    db.session.add(event)
    return event


def record_now(kind: SecurityEventKind, **values) -> None:
    """Record and commit at once: for refusals, whose page saves nothing else."""
    record(kind, **values)
    db.session.commit()
