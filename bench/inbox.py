"""The inbox of a busy structure and a person's timeline, with 1,000,000 orientations on PostgreSQL.

Generates 5,000 organisations (each with a structure and a service accepting orientations),
200,000 people (in 50 EDeS), their consents and needs, 1,000,000 orientations (one structure
receives 2.5 % of them) with every status and its events, comments, with COPY in a database of its
own; then times the app's own query code:
- inbox: `referrals.queries.inbox_page()` for the busiest structure (first page + counts per tab),
  cycling through the tabs;
- timeline: `list_orientations_of_person()` + `person_timeline()` for random people.
Prints two JSON lines, drops the database. Environment: BENCH_POSTGRES_URL (admin URL),
BENCH_ORIENTATIONS, BENCH_ROUNDS, BENCH_KEEP_DB=1.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg
import sqlalchemy as sa

from bench.common import bench_app
from bench.directory_search import _database, _drop, _percentile

ORIENTATIONS = int(os.environ.get("BENCH_ORIENTATIONS", "1000000"))
PEOPLE = max(10, ORIENTATIONS // 5)
ORGANISATIONS = 5000
SENDERS = 50  # EDeS: organisations 1..50 keep the people's files
BUSY = SENDERS + 1  # the structure that receives BUSY_SHARE of all orientations
BUSY_SHARE = 0.025
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
SEED = 84
NOW = datetime.now(UTC)

PATHS = {
    "draft": [],
    "sent": ["sent"],
    "received": ["sent", "received"],
    "accepted": ["sent", "received", "accepted"],
    "declined": ["sent", "received", "declined"],
    "redirected": ["sent", "received", "redirected"],
    "in_progress": ["sent", "received", "accepted", "in_progress"],
    "completed": ["sent", "received", "accepted", "in_progress", "completed"],
    "abandoned": ["sent", "received", "accepted", "abandoned"],
    "cancelled": ["sent", "cancelled"],
    "expired": ["sent", "expired"],
}
WEIGHTS = {
    "draft": 1,
    "sent": 5,
    "received": 5,
    "accepted": 5,
    "declined": 8,
    "redirected": 2,
    "in_progress": 10,
    "completed": 50,
    "abandoned": 6,
    "cancelled": 5,
    "expired": 3,
}
REASONS = {
    "declined": "full",
    "redirected": "wrong_service",
    "abandoned": "unreachable",
    "cancelled": "no_longer_needed",
    "expired": "no_answer",
}
CLOSED = {"declined", "redirected", "completed", "abandoned", "cancelled", "expired"}
SIDES = {"sent": "sender", "cancelled": "sender", "expired": "system"}
VOLET_NEEDS = [
    ("numerique", "numerique_demarches"),
    ("sante", "sante_medecin_traitant"),
    ("mobilite", "mobilite_vehicule"),
]
COMMUNES = ["84007", "84031", "84087", "84003", "84035", "84089", "84138", "84123"]


def _generate(connection) -> None:
    rng = random.Random(SEED)
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    with connection.cursor() as cursor:
        with cursor.copy("COPY organisations (id, name, type, active, created_at, updated_at) FROM STDIN") as copy:
            for number in range(1, ORGANISATIONS + 1):
                kind = "edes" if number <= SENDERS else "mediation_numerique"
                copy.write_row((number, f"Structure {number}", kind, True, NOW, NOW))
        with cursor.copy(
            "COPY structures (id, source, source_id, organisation_id, name, position_is_approximate, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, ORGANISATIONS + 1):
                copy.write_row((number, "bench", f"s{number}", number, f"Structure {number}", False, NOW, NOW))
        with cursor.copy(
            "COPY services (id, structure_id, source, source_id, name, description, accepts_orientations, "
            "receiving_organisation_id, capacity, position_is_approximate, search_text, search_title, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, ORGANISATIONS + 1):
                copy.write_row(
                    (
                        number,
                        number,
                        "bench",
                        f"v{number}",
                        f"Service {number}",
                        "",
                        True,
                        number,
                        "open",
                        False,
                        "",
                        f"service {number}",
                        NOW,
                        NOW,
                    )
                )
        with cursor.copy(
            "COPY people (id, organisation_id, first_name, last_name, name_key, commune_code, "
            "contact_preference, situation, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, PEOPLE + 1):
                copy.write_row(
                    (
                        number,
                        1 + number % SENDERS,
                        f"Prénom{number}",
                        f"Nom{number}",
                        f"nom{number}|prenom{number}",
                        COMMUNES[number % len(COMMUNES)],
                        "phone",
                        "[]",
                        NOW,
                        NOW,
                    )
                )
        with cursor.copy(
            "COPY consents (id, person_id, organisation_id, collected_at, method, purpose, scope) FROM STDIN"
        ) as copy:
            for number in range(1, PEOPLE + 1):
                copy.write_row(
                    (
                        number,
                        number,
                        1 + number % SENDERS,
                        NOW - timedelta(days=800),
                        "oral",
                        "Orientation",
                        '["numerique", "sante", "mobilite"]',
                    )
                )
        with cursor.copy(
            "COPY needs (id, person_id, volet, code, details, status, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, PEOPLE + 1):
                volet, code = VOLET_NEEDS[number % 3]
                copy.write_row((number, number, volet, code, "[]", "open", NOW, NOW))
        orientations, links, events, comments = [], [], [], []
        event_id = comment_id = 0
        for number in range(1, ORIENTATIONS + 1):
            person = rng.randint(1, PEOPLE)
            service = BUSY if rng.random() < BUSY_SHARE else rng.randint(SENDERS + 1, ORGANISATIONS)
            status = rng.choices(statuses, weights)[0]
            recent = status in ("sent", "received", "accepted", "in_progress", "draft")
            created = NOW - timedelta(days=rng.uniform(0, 20 if recent else 700), minutes=rng.randint(0, 1440))
            moments, at = {"draft": created}, created
            for step, gap in zip(PATHS[status], (0.01, 1, 2, 3, 10), strict=False):
                at = at + timedelta(days=gap * rng.uniform(0.5, 1.5))
                moments[step] = at
            sent_at = moments.get("sent")
            decided = moments.get("accepted") or moments.get("declined") or moments.get("redirected")
            volet, _code = VOLET_NEEDS[person % 3]
            orientations.append(
                (
                    number,
                    person,
                    1 + person % SENDERS,
                    service,
                    service,
                    person,
                    volet,
                    status,
                    len(PATHS[status]) + 1,
                    "normal",
                    "Bonjour",
                    '["phone", "commune"]',
                    "met" if status == "completed" else None,
                    created,
                    sent_at,
                    moments.get("received") or (decided and sent_at),
                    decided,
                    at if status in CLOSED else None,
                    sent_at + timedelta(days=30) if sent_at else None,
                    sent_at + timedelta(days=7) if sent_at else None,
                    at,
                )
            )
            links.append((number, person))
            previous = None
            for version, step in enumerate(["draft", *PATHS[status]], start=1):
                event_id += 1
                side = "sender" if step == "draft" else SIDES.get(step, "receiver")
                events.append(
                    (
                        event_id,
                        number,
                        moments[step],
                        side,
                        previous,
                        step,
                        REASONS.get(step),
                        "met" if step == "completed" else None,
                        version,
                    )
                )
                previous = step
            if status in ("in_progress", "completed") and number % 2:
                comment_id += 1
                comments.append((comment_id, number, service, "receiver", "Rendez-vous fixé.", at))
        with cursor.copy(
            "COPY orientations (id, person_id, sender_organisation_id, service_id, "
            "receiver_organisation_id, consent_id, volet, status, version, urgency, message, "
            "shared_fields, outcome, created_at, sent_at, received_at, decided_at, closed_at, expires_at, "
            "decision_due_at, last_activity_at) FROM STDIN"
        ) as copy:
            for row in orientations:
                copy.write_row(row)
        with cursor.copy("COPY orientation_needs (orientation_id, need_id) FROM STDIN") as copy:
            for row in links:
                copy.write_row(row)
        with cursor.copy(
            "COPY orientation_events (id, orientation_id, at, side, from_status, to_status, reason, "
            "outcome, version) FROM STDIN"
        ) as copy:
            for row in events:
                copy.write_row(row)
        with cursor.copy(
            "COPY orientation_comments (id, orientation_id, organisation_id, side, body, created_at) FROM STDIN"
        ) as copy:
            for row in comments:
                copy.write_row(row)
    connection.commit()


def run() -> None:
    from orientation.extensions import db
    from orientation.referrals import queries

    url = _database()
    try:
        app, raw_url = bench_app(url)
        started = time.perf_counter()
        with psycopg.connect(raw_url) as connection:
            _generate(connection)
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        generated_s = round(time.perf_counter() - started, 1)
        rng = random.Random(SEED + 1)
        tabs = list(queries.InboxTab)
        inbox_ms, timeline_ms = [], []
        with app.app_context():
            for round_number in range(ROUNDS + 20):  # the first 20: warm-up
                tab = tabs[round_number % len(tabs)]
                begin = time.perf_counter()
                page = queries.inbox_page(BUSY, tab)
                elapsed = (time.perf_counter() - begin) * 1000
                assert page.counts[queries.InboxTab.CLOSED] > 0
                db.session.rollback()
                db.session.expunge_all()
                person_id = rng.randint(1, PEOPLE)
                begin = time.perf_counter()
                orientations = queries.list_orientations_of_person(person_id)
                queries.person_timeline(person_id, orientations)
                timeline_elapsed = (time.perf_counter() - begin) * 1000
                db.session.rollback()
                db.session.expunge_all()
                if round_number >= 20:
                    inbox_ms.append(elapsed)
                    timeline_ms.append(timeline_elapsed)
            busy_total = db.session.scalar(
                sa.text("SELECT count(*) FROM orientations WHERE receiver_organisation_id = :id"), {"id": BUSY}
            )
        for name, values, extra in (
            ("inbox", inbox_ms, {"busy_structure_orientations": busy_total}),
            ("timeline", timeline_ms, {"people": PEOPLE}),
        ):
            line = {
                "bench": name,
                "orientations": ORIENTATIONS,
                "p50_ms": round(statistics.median(values), 2),
                "p95_ms": round(_percentile(values, 0.95), 2),
                "rounds": len(values),
                **extra,
                "generate_s": generated_s,
            }
            print(json.dumps(line), flush=True)
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"Base conservée : {raw_url}", file=sys.stderr)
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)
