"""One reminder sweep over 1,000,000 orientations, with the app's own code (`run_reminders`).

Reuses the inbox benchmark's generator (1,000,000 orientations in every status, the open ones
recent), gives every structure one active member (so reminders are really written to the outbox),
then moves the clock forward by BENCH_SWEEP_DAYS (default 6 days: unopened, undecided and stalled
rules are due for tens of thousands of rows) and times one `run_reminders()` + commit: finding
the due rows among the million, claiming them (INSERT … ON CONFLICT DO NOTHING RETURNING) and
enqueuing their messages. A sweep handles at most REFERRALS_REMINDER_BATCH orientations per rule
(5,000, as in production: beat runs it every 5 minutes, the rest go in the next sweeps); the
sweeps are repeated until nothing is due, and the JSON line reports the first sweep and all.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import psycopg
import sqlalchemy as sa

from bench.directory_search import _database, _drop
from bench.inbox import NOW, ORGANISATIONS, ORIENTATIONS, _generate

SWEEP_DAYS = int(os.environ.get("BENCH_SWEEP_DAYS", "6"))


def _members(connection) -> None:
    with connection.cursor() as cursor:
        with cursor.copy("COPY users (id, email, first_name, last_name, password_hash, active, is_coordinator, "
                         "session_version, created_at, updated_at) FROM STDIN") as copy:
            for number in range(1, ORGANISATIONS + 1):
                copy.write_row((number, f"agent{number}@bench.orientation.fr", "Agent", str(number), None, True,
                                False, 1, NOW, NOW))
        with cursor.copy("COPY memberships (id, user_id, organisation_id, role, created_at, updated_at) "
                         "FROM STDIN") as copy:
            for number in range(1, ORGANISATIONS + 1):
                copy.write_row((number, number, number, "agent", NOW, NOW))
    connection.commit()


def run() -> None:
    from orientation import clock, create_app
    from orientation.extensions import db
    from orientation.referrals.reminders import run_reminders
    from orientation.territory.operations import load_territory

    url = _database()
    try:
        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                          "RATELIMIT_STORAGE_URI": "memory://", "SECRET_KEY": "bench-" + "x" * 40,
                          # The bench times finding, claiming and enqueuing; delivery has its own bench.
                          "NOTIFICATIONS_DELIVER_INLINE": False, "CELERY": {"broker_url": "memory://"},
                          })
        with app.app_context():
            with db.engine.begin() as connection:
                for extension in ("unaccent", "pg_trgm"):
                    connection.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
            db.create_all()
            load_territory()
            db.session.commit()
        raw_url = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(raw_url) as connection:
            _generate(connection)
            _members(connection)
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        with app.app_context():
            open_count = db.session.scalar(sa.text(
                "SELECT count(*) FROM orientations WHERE status IN ('sent', 'received', 'accepted', 'in_progress')"))
            sweeps, due = [], {}
            with clock.frozen(NOW + timedelta(days=SWEEP_DAYS)):
                while True:
                    started = time.perf_counter()
                    report = run_reminders()
                    db.session.commit()
                    sweeps.append(time.perf_counter() - started)
                    if not sum(report.as_dict().values()):
                        break  # idempotent: once everything is claimed, a sweep finds nothing
                    for rule, count in report.as_dict().items():
                        due[rule] = due.get(rule, 0) + count
            messages = db.session.scalar(sa.text("SELECT count(*) FROM outbox_messages"))
        print(json.dumps({"bench": "reminder_sweep", "orientations": ORIENTATIONS, "open": open_count, "due": due,
                          "messages": messages, "sweeps": len(sweeps), "seconds": round(sweeps[0], 2),
                          "max_sweep_seconds": round(max(sweeps), 2), "all_sweeps_seconds": round(sum(sweeps), 2),
                          "empty_sweep_seconds": round(sweeps[-1], 3)}), flush=True)
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)
