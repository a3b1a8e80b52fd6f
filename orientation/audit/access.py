"""Reads of a person's file: one view decorator, one log row per read, in a transaction of its own.

A view that shows a person's data is declared with `@logs_person_access(kind=...)` — the kind is the
`purpose` of its rows (the page or use: "people.show", "api.orientations.status"). Once the view has
loaded the file and checked the right to see it, it names what it read with `person_accessed(person,
...)`: the row is written and committed at once, on a session of its own, apart from the request's
transaction — a request that fails afterwards, or rolls back its own work (a refused form), still
leaves the read logged, and its commit or rollback never adds nor drops a read. (In the tests the
app's engine is one connection inside a transaction: the row is then written in a savepoint nested in
the request's, kept when the request commits — which is why reading views still end with a commit.)

Only reads go through here; changes to a file are logged by `changes.py` at flush time, RGPD acts by
`operations.log_person_event`, both in the request's own transaction.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from functools import wraps

from flask_login import current_user
from sqlalchemy.orm import Session

from orientation.audit.models import AuditAction, PersonAccessLog
from orientation.audit.operations import entry_values
from orientation.extensions import db


@dataclass
class _Reads:
    kind: str
    logged: set = field(default_factory=set)  # (person, orientation) already logged by this request


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("person_reads", default=None)


def logs_person_access(kind: str):
    """Declare a view that reads a person's file: its reads are logged with `kind` as their purpose."""

    def decorate(view):
        @wraps(view)
        def logging_view(*args, **kwargs):
            token = _reads.set(_Reads(kind))
            try:
                return view(*args, **kwargs)
            finally:
                _reads.reset(token)

        logging_view.person_access_kind = kind
        return logging_view

    return decorate


def person_accessed(
    person, *, organisation=None, orientation=None, user=None, without_account: str | None = None
) -> None:
    """Log, now and for good, that the user (acting for `organisation`) read `person`'s file.

    Called by a view declared with `@logs_person_access`, after its access check; once per request
    for a given person and orientation (a page re-rendered after a refused form reads it once).
    `without_account`: who read it with no account (« destinataire par lien : adresse »), written as
    the purpose, the page's kind after it.
    """
    reads = _reads.get()
    if reads is None:
        raise RuntimeError("a view that reads a person's file must be declared with @logs_person_access")
    orientation_id = getattr(orientation, "id", orientation)
    if (person.id, orientation_id) in reads.logged:
        return
    user = None if without_account else (current_user if user is None else user)
    values = entry_values(
        person_id=person.id,
        action=AuditAction.READ,
        purpose=f"{without_account} ({reads.kind})" if without_account else reads.kind,
        user_id=getattr(user, "id", None),
        organisation_id=getattr(organisation, "id", organisation),
        orientation_id=orientation_id,
    )
    with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
        session.add(PersonAccessLog(**values))
        session.commit()
    reads.logged.add((person.id, orientation_id))
