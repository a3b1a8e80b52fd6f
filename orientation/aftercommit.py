"""Side effects that must wait for the transaction to commit (e-mails, tasks).

`after_commit(fn, ...)` queues a call on the current session; it runs only once the session
commits, and is dropped on rollback — so no message ever announces a change that was undone.
"""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy import event
from sqlalchemy.orm import Session

from orientation.extensions import db

_KEY = "orientation.after_commit"
log = logging.getLogger(__name__)


def after_commit(callback, *args, **kwargs) -> None:
    db.session().info.setdefault(_KEY, []).append(partial(callback, *args, **kwargs))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_KEY, []):
        try:
            callback()
        except Exception:  # a failed side effect must not undo a committed change
            log.exception("after-commit callback failed: %r", getattr(callback, "func", callback))


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_KEY, None)


def queued_after_commit(callback):
    """The call of `callback` already queued in this transaction (to add to it), or None."""
    for queued in db.session().info.get(_KEY, []):
        if getattr(queued, "func", None) is callback:
            return queued
    return None
