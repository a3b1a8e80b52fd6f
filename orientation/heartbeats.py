"""Heartbeats: when each periodic job and each worker last showed it was alive, for the metrics.

A bottom module (no area imported): the sweeps of lower areas write here, and `orientation.ops`
reads it. One row per name (`followups.sweep`, `notifications.sweep_outbox`, `worker:<hostname>`),
overwritten at each run, so the table stays as small as the number of jobs and workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from orientation import clock
from orientation.extensions import db

log = logging.getLogger(__name__)
WORKER_PREFIX = "worker:"
WORKER_INTERVAL_SECONDS = 30  # the alert fires after 2 minutes without one: four missed beats


class OpsHeartbeat(db.Model):
    """The last run of a periodic job, or the last sign of life of a worker (no personal data)."""

    __tablename__ = "ops_heartbeats"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    last_run_at: Mapped[datetime]
    last_duration_seconds: Mapped[float] = mapped_column(default=0.0)


def _upsert(name: str, duration: float):
    table = OpsHeartbeat.__table__
    values = {"name": name, "last_run_at": clock.now(), "last_duration_seconds": duration}
    statement = insert(table).values(**values)
    return statement.on_conflict_do_update(index_elements=[table.c.name], set_=values)


def record(name: str, duration: float = 0.0) -> None:
    """Write the heartbeat in the current session; the caller's commit makes it visible."""
    db.session.execute(_upsert(name, duration))


@contextmanager
def beat(name: str) -> Iterator[None]:
    """Time the block and record its heartbeat if it succeeds (a failing sweep leaves its age growing)."""
    started = time.monotonic()
    yield
    record(name, time.monotonic() - started)


class WorkerHeartbeat:
    """A thread of the worker's main process writing `worker:<hostname>` every 30 seconds.

    It uses its own engine without a pool (one short connection per beat): the prefork children
    inherit nothing from it, and a busy pool of tasks cannot delay it.
    """

    def __init__(self, database_url: str, hostname: str, interval: float = WORKER_INTERVAL_SECONDS):
        self.name = f"{WORKER_PREFIX}{hostname}"
        self.interval = interval
        self._engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="orientation-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def beat_once(self) -> None:
        with self._engine.begin() as connection:
            connection.execute(_upsert(self.name, 0.0))

    def stop(self) -> None:
        """A clean stop removes the row: only workers that died unannounced show as stale."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            with self._engine.begin() as connection:
                connection.execute(sa.delete(OpsHeartbeat.__table__).where(OpsHeartbeat.name == self.name))
        except sa.exc.SQLAlchemyError:
            log.warning("worker heartbeat: could not remove %s", self.name)
        self._engine.dispose()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat_once()
            except sa.exc.SQLAlchemyError:  # the database is down: the growing age says it
                log.warning("worker heartbeat: database unreachable")
            self._stop.wait(self.interval)
