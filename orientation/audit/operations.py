"""Write the access log in the caller's transaction (the view commits)."""

from __future__ import annotations

from orientation.audit.models import PersonAccessLog
from orientation.extensions import db


def log_person_access(user, person, purpose: str, *, organisation=None, orientation=None) -> PersonAccessLog:
    """Record that `user` (acting for `organisation`) read `person`'s data on `purpose` (a page or use)."""
    entry = PersonAccessLog(user_id=getattr(user, "id", None), person_id=person.id, purpose=purpose[:100],
                            organisation_id=getattr(organisation, "id", organisation),
                            orientation_id=getattr(orientation, "id", orientation))
    db.session.add(entry)
    return entry
