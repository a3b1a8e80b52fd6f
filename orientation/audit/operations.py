"""Write the person audit log in the caller's transaction (the view commits).

Three doors, one row shape (`entry_values`): a read (views: `access.logs_person_access`, a row
committed on its own; elsewhere `log_person_access`), `log_person_event`
for an RGPD act (export, erasure, anonymisation), and `changes.py` for every change to a person's
file, captured at flush time whatever the operation that made it.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from flask import has_request_context, request
from flask_login import current_user

from orientation import clock
from orientation.acting import current_membership
from orientation.audit.models import AuditAction, PersonAccessLog
from orientation.extensions import db

# Who acts when no one is logged in (the worker's tasks, the command line): shown as the purpose.
_background_purpose: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_purpose", default=None)


@contextmanager
def acting_as(purpose: str):
    """Name what the worker or a command is doing, for the log entries written meanwhile."""
    token = _background_purpose.set(purpose)
    try:
        yield
    finally:
        _background_purpose.reset(token)


def current_purpose(default: str = "système") -> str:
    if has_request_context() and request.endpoint:
        return request.endpoint
    return _background_purpose.get() or default


def request_origin() -> dict:
    if not has_request_context():
        return {"ip_address": None, "user_agent": None}
    agent = request.headers.get("User-Agent") or None
    return {
        "ip_address": (request.remote_addr or None) and request.remote_addr[:45],
        "user_agent": agent[:300] if agent else None,
    }


def current_actor() -> tuple[int | None, int | None]:
    """(user id, acting organisation id) of the request, or (None, None) for the system."""
    if not has_request_context():
        return None, None
    if not getattr(current_user, "is_authenticated", False):
        return None, None
    membership = current_membership()
    return current_user.id, membership.organisation_id if membership is not None else None


def entry_values(
    *,
    person_id: int,
    action: AuditAction,
    purpose: str | None = None,
    user_id=None,
    organisation_id=None,
    orientation_id=None,
    target=None,
    target_id=None,
    fields=None,
) -> dict:
    return {
        "at": clock.now(),
        "user_id": user_id,
        "organisation_id": organisation_id,
        "person_id": person_id,
        "orientation_id": orientation_id,
        "purpose": (purpose or current_purpose())[:100],
        "action": AuditAction(action),
        "target": target,
        "target_id": target_id,
        "fields": sorted(fields) if fields is not None else None,
        **request_origin(),
    }


def log_person_access(user, person, purpose: str, *, organisation=None, orientation=None) -> PersonAccessLog:
    """Record that `user` (acting for `organisation`) read `person`'s data on `purpose` (a page or use), in
    the caller's transaction. Views do not call it: they are declared with `access.logs_person_access`,
    whose rows are committed on their own."""
    entry = PersonAccessLog(
        **entry_values(
            person_id=person.id,
            action=AuditAction.READ,
            purpose=purpose,
            user_id=getattr(user, "id", None),
            organisation_id=getattr(organisation, "id", organisation),
            orientation_id=getattr(orientation, "id", orientation),
        )
    )
    db.session.add(entry)
    return entry


def log_person_event(
    person_id: int, action: AuditAction, *, user=None, organisation=None, purpose: str | None = None, fields=None
) -> PersonAccessLog:
    """An RGPD act on a person's file (export, erasure, anonymisation) by `user` or the system."""
    entry = PersonAccessLog(
        **entry_values(
            person_id=person_id,
            action=action,
            purpose=purpose,
            user_id=getattr(user, "id", user),
            organisation_id=getattr(organisation, "id", organisation),
            target="people",
            target_id=person_id,
            fields=fields,
        )
    )
    db.session.add(entry)
    return entry
