"""One reminder sweep over 1,000,000 orientations, with the app's own code (`followups.sweep.run_sweep`).

Reuses the inbox benchmark's generator (1,000,000 orientations in every status, the open ones
recent), gives every structure one active member (so reminders are really written to the outbox),
then moves the clock forward by BENCH_SWEEP_DAYS (default 6 days: unopened, undecided and stalled
rules are due for tens of thousands of rows) and times one `run_sweep()` + commit: finding
the due rows among the million, claiming them (INSERT … ON CONFLICT DO NOTHING RETURNING) and
enqueuing their messages. A sweep handles at most FOLLOWUP_BATCH subjects per rule
(5,000, as in production: beat runs it every 5 minutes, the rest go in the next sweeps); the
sweeps are repeated until nothing is due (the backlog figures). Then, the clock one day later,
one sweep finds and claims what became due that day among the million: `seconds` (steady state).
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import psycopg
import sqlalchemy as sa

from bench.common import bench_app
from bench.directory_search import _database, _drop
from bench.inbox import NOW, ORGANISATIONS, ORIENTATIONS, _generate

SWEEP_DAYS = int(os.environ.get("BENCH_SWEEP_DAYS", "6"))


def _members(connection) -> None:
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY users (id, email, first_name, last_name, password_hash, active, is_coordinator, "
            "session_version, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, ORGANISATIONS + 1):
                copy.write_row(
                    (
                        number,
                        f"agent{number}@bench.orientation.fr",
                        "Agent",
                        str(number),
                        None,
                        True,
                        False,
                        1,
                        NOW,
                        NOW,
                    )
                )
        with cursor.copy(
            "COPY memberships (id, user_id, organisation_id, role, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, ORGANISATIONS + 1):
                copy.write_row((number, number, number, "agent", NOW, NOW))
    connection.commit()


def run() -> None:
    from orientation import clock
    from orientation.extensions import db
    from orientation.followups.sweep import run_sweep

    url = _database()
    try:
        # The bench times finding, claiming and enqueuing; delivery has its own bench.
        app, raw_url = bench_app(url, NOTIFICATIONS_DELIVER_INLINE=False, CELERY={"broker_url": "memory://"})
        with psycopg.connect(raw_url) as connection:
            _generate(connection)
            _members(connection)
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        with app.app_context():
            open_count = db.session.scalar(
                sa.text(
                    "SELECT count(*) FROM orientations WHERE status IN ('sent', 'received', 'accepted', 'in_progress')"
                )
            )
            sweeps, due = [], {}
            with clock.frozen(NOW + timedelta(days=SWEEP_DAYS)):
                while True:
                    started = time.perf_counter()
                    report = run_sweep()
                    db.session.commit()
                    sweeps.append(time.perf_counter() - started)
                    if not sum(report.values()):
                        break  # idempotent: once everything is claimed, a sweep finds nothing
                    for rule, count in report.items():
                        due[rule] = due.get(rule, 0) + count
            # Steady state: the backlog is cleared; a day later, one sweep finds and claims what became due.
            with clock.frozen(NOW + timedelta(days=SWEEP_DAYS + 1)):
                started = time.perf_counter()
                next_day = run_sweep()
                db.session.commit()
                steady = time.perf_counter() - started
            messages = db.session.scalar(sa.text("SELECT count(*) FROM outbox_messages"))
        print(
            json.dumps(
                {
                    "bench": "reminder_sweep",
                    "orientations": ORIENTATIONS,
                    "open": open_count,
                    "seconds": round(steady, 2),
                    "due_next_day": next_day,
                    "backlog_due": due,
                    "backlog_sweeps": len(sweeps),
                    "backlog_first_sweep_seconds": round(sweeps[0], 2),
                    "backlog_all_sweeps_seconds": round(sum(sweeps), 2),
                    # the worker chains its sweeps while a rule meets the batch: the drain rate
                    "backlog_reminders_per_s": round(sum(due.values()) / sum(sweeps)),
                    "empty_sweep_seconds": round(sweeps[-1], 3),
                    "messages": messages,
                }
            ),
            flush=True,
        )
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)
