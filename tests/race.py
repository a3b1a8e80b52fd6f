"""Races on real PostgreSQL rows: a committed database of its own, and threads that act at once.

Each action runs in its own thread, app context and session (its own connection): it loads what it
needs, waits at a barrier for the others, then acts and commits. A refusal of the state-machine
kernel is rolled back and reported, with its code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from orientation import create_app
from orientation.extensions import db
from orientation.statemachine import TransitionRefused
from orientation.territory.operations import load_territory
from tests.conftest import create_database, drop_database, testing_config


@contextmanager
def committed_app(name: str, **config) -> Iterator:
    """An app on a database of its own where every test commits (use with `no_db_transaction`)."""
    url = create_database(name)
    app = create_app(testing_config(url, **config))
    with app.app_context():
        db.create_all()
        load_territory()
        db.session.commit()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(url)


def race(app, *actions: tuple[Callable[[], object], Callable[[object], object]]) -> list[tuple[str, object]]:
    """Run each (prepare, act) in its own thread: every `prepare()` first, then all the `act(prepared)`
    at once. Returns [("won", result) or (refusal code, refusal)] in the order the threads finished."""
    barrier, results, lock = threading.Barrier(len(actions)), [], threading.Lock()

    def run(prepare, act):
        with app.app_context():
            try:
                prepared = prepare()
                barrier.wait(timeout=10)
                outcome = ("won", act(prepared))
                db.session.commit()
            except TransitionRefused as refusal:
                db.session.rollback()
                outcome = (refusal.code, refusal)
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == len(actions), "a thread did not finish"
    return results
