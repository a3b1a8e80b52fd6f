"""The steering dashboard with 1,000,000 orientations on PostgreSQL.

A Vaucluse-shaped activity over three years: the 151 communes (people drawn by population), 60
sending structures (EDeS, CCAS, France Services… each working for one EPCI), 600 receiving
structures with 900 services in the three volets (most serve one EPCI, some the whole
département); 200,000 people, their consents and needs, 1,000,000 orientations with every status,
their last event (with the decline reason), appointments and "service obtenu" answers; beside them a
national directory of BENCH_DIRECTORY_SERVICES (100,000) more services (bench/directory_search.py's
generator) for the offer — written with COPY in a database of its own, then `VACUUM ANALYZE`. Then:
- one full refresh of the rolled-up tables (`refresh_facts(full=True)`), timed;
- an incremental refresh after ~1,400 orientations of the last three months moved (the worker's
  10-minute job: it recomputes the months they were sent in);
- the worker's offer snapshot (`offer.store_snapshot`: services per EPCI, each commune's distance to the
  nearest service of each volet), timed;
- `BENCH_ROUNDS` pages (GET /pilotage/ as a coordinator, or as a structure manager, the
  whole HTML page with its 11 tables and charts), cycling through filter mixes: whole département
  over all time, last 12 months, one volet, one EPCI, one commune, one receiving structure, one
  sending structure, a manager's received and sent orientations; and the maps (by EPCI, an indicator per
  10,000 inhabitants; the « zones blanches » of a volet).
Prints one JSON line, drops the database. Environment: BENCH_POSTGRES_URL (admin URL),
BENCH_ORIENTATIONS, BENCH_ROUNDS, BENCH_KEEP_DB=1.
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

from bench.common import bench_app
from bench.directory_search import _communes, _database, _drop, _percentile
from bench.directory_search import _generate as _generate_directory

ORIENTATIONS = int(os.environ.get("BENCH_ORIENTATIONS", "1000000"))
PEOPLE = max(10, ORIENTATIONS // 5)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "90"))
DIRECTORY_FIRST_ID = 1_000_000  # the national directory's ids, after the dashboard's own structures and services
SENDERS_PER_EPCI = 4  # + 4 département-wide senders
RECEIVERS = 600
SERVICES = 900
SEED = 84
NOW = datetime.now(UTC).replace(microsecond=0)
DAYS = 3 * 365
VOLETS = {
    "numerique": ["numerique_demarches", "numerique_usages_base", "numerique_equipement"],
    "sante": ["sante_medecin_traitant", "sante_droits"],
    "mobilite": ["mobilite_permis", "mobilite_vehicule", "mobilite_trajet"],
}
ENDINGS = {
    "draft": 1,
    "sent": 3,
    "received": 3,
    "accepted": 3,
    "declined": 12,
    "redirected": 3,
    "in_progress": 8,
    "completed": 45,
    "abandoned": 7,
    "cancelled": 5,
    "expired": 6,
}
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
GAPS_DAYS = {
    "sent": (0.0, 0.1),
    "received": (0.1, 6),
    "accepted": (0.2, 9),
    "declined": (0.2, 9),
    "redirected": (0.2, 9),
    "in_progress": (1, 12),
    "completed": (5, 60),
    "abandoned": (3, 40),
    "cancelled": (0.5, 20),
    "expired": (30, 31),
}
DECLINE_REASONS = ["full", "not_eligible", "wrong_service", "unreachable", "person_refused", "duplicate"]
OTHER_REASONS = {
    "redirected": "wrong_service",
    "abandoned": "unreachable",
    "cancelled": "no_longer_needed",
    "expired": "no_answer",
}
CLOSED = {"declined", "redirected", "completed", "abandoned", "cancelled", "expired"}
SIDES = {"draft": "sender", "sent": "sender", "cancelled": "sender", "expired": "system"}
COPY_COLUMNS = {
    "orientations": "id, person_id, sender_organisation_id, service_id, receiver_organisation_id, consent_id, volet, "
    "status, version, urgency, message, shared_fields, outcome, created_at, sent_at, received_at, "
    "decided_at, closed_at, expires_at, decision_due_at, last_activity_at, service_obtained, "
    "service_obtained_at",
    "orientation_events": "id, orientation_id, at, side, from_status, to_status, reason, outcome, version",
    "orientation_needs": "orientation_id, need_id",
    "appointments": "id, orientation_id, starts_at, place, channel, reminder_agreed, status, created_at",
}
TERRITORY = Path(__file__).resolve().parent.parent / "orientation" / "territory" / "data"


def _territory():
    with open(TERRITORY / "vaucluse-communes.csv", encoding="utf-8") as handle:
        communes = [
            (row["code_insee"], row["epci_siren"], int(row["population"] or 1)) for row in csv.DictReader(handle)
        ]
    return communes, sorted({epci for _code, epci, _population in communes})


def _generate(connection) -> dict:
    rng = random.Random(SEED)
    communes, epcis = _territory()
    senders = {epci: [] for epci in epcis}
    organisations, number = [], 0
    for epci in epcis:
        for _k in range(SENDERS_PER_EPCI):
            number += 1
            organisations.append((number, "edes" if _k == 0 else "ccas"))
            senders[epci].append(number)
    wide_senders = []
    for _k in range(4):
        number += 1
        organisations.append((number, "france_services"))
        wide_senders.append(number)
    first_receiver = number + 1
    for _k in range(RECEIVERS):
        number += 1
        organisations.append((number, "association"))
    services = []  # (id, organisation, volet, epci or None)
    by_area: dict = {}
    for service_id in range(1, SERVICES + 1):
        organisation = first_receiver + (service_id - 1) % RECEIVERS
        volet = list(VOLETS)[service_id % 3]
        area = None if service_id % 10 == 0 else epcis[service_id % len(epcis)]
        services.append((service_id, organisation, volet, area))
        by_area.setdefault((volet, area), []).append(service_id)
    with connection.cursor() as cursor:
        with cursor.copy("COPY organisations (id, name, type, active, created_at, updated_at) FROM STDIN") as copy:
            for org_id, kind in organisations:
                copy.write_row((org_id, f"Structure {org_id}", kind, True, NOW, NOW))
        with cursor.copy(
            "COPY structures (id, source, source_id, organisation_id, name, position_is_approximate, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for org_id, _kind in organisations:
                copy.write_row((org_id, "bench", f"s{org_id}", org_id, f"Structure {org_id}", False, NOW, NOW))
        with cursor.copy(
            "COPY services (id, structure_id, source, source_id, name, description, accepts_orientations, "
            "receiving_organisation_id, capacity, position_is_approximate, search_text, search_title, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for service_id, organisation, _volet, _area in services:
                copy.write_row(
                    (
                        service_id,
                        organisation,
                        "bench",
                        f"v{service_id}",
                        f"Service {service_id}",
                        "",
                        True,
                        organisation,
                        "open",
                        False,
                        "",
                        f"service {service_id}",
                        NOW,
                        NOW,
                    )
                )
        weights = [population for _code, _epci, population in communes]
        people = []
        with cursor.copy(
            "COPY people (id, organisation_id, first_name, last_name, name_key, commune_code, "
            "contact_preference, situation, created_at, updated_at) FROM STDIN"
        ) as copy:
            for person in range(1, PEOPLE + 1):
                code, epci, _population = rng.choices(communes, weights)[0]
                sender = rng.choice(wide_senders) if rng.random() < 0.1 else rng.choice(senders[epci])
                people.append((code, epci, sender))
                copy.write_row(
                    (
                        person,
                        sender,
                        f"Prénom{person}",
                        f"Nom{person}",
                        f"nom{person}|prenom{person}",
                        code,
                        "phone",
                        _situation(person),
                        NOW,
                        NOW,
                    )
                )
        with cursor.copy(
            "COPY consents (id, person_id, organisation_id, collected_at, method, purpose, scope) FROM STDIN"
        ) as copy:
            for person in range(1, PEOPLE + 1):
                copy.write_row(
                    (
                        person,
                        person,
                        people[person - 1][2],
                        NOW - timedelta(days=DAYS + 10),
                        "oral",
                        "Orientation",
                        '["numerique", "sante", "mobilite"]',
                    )
                )
        with cursor.copy(
            "COPY needs (id, person_id, volet, code, details, status, closed_at, created_at, updated_at) FROM STDIN"
        ) as copy:
            for person in range(1, PEOPLE + 1):
                volet = list(VOLETS)[person % 3]
                is_open = person % 4 == 0
                copy.write_row(
                    (
                        person,
                        person,
                        volet,
                        rng.choice(VOLETS[volet]),
                        "[]",
                        "open" if is_open else "met",
                        None if is_open else NOW,
                        NOW - timedelta(days=rng.uniform(0, DAYS)),
                        NOW,
                    )
                )
        statuses, status_weights = list(ENDINGS), list(ENDINGS.values())
        rows: dict[str, list] = {table: [] for table in COPY_COLUMNS}
        appointment_id = 0
        for orientation in range(1, ORIENTATIONS + 1):
            person = rng.randint(1, PEOPLE)
            code, epci, sender = people[person - 1]
            volet = list(VOLETS)[person % 3]
            pool = by_area.get((volet, epci)) if rng.random() < 0.85 else None
            service_id = rng.choice(pool or by_area[(volet, None)])
            receiver = services[service_id - 1][1]
            status = rng.choices(statuses, status_weights)[0]
            created = NOW - timedelta(days=rng.uniform(0, DAYS), minutes=rng.randint(0, 600))
            at, moments = created, {"draft": created}
            for step in PATHS[status]:
                low, high = GAPS_DAYS[step]
                at = min(at + timedelta(days=rng.uniform(low, high)), NOW)
                moments[step] = at
            sent_at = moments.get("sent")
            decided = moments.get("accepted") or moments.get("declined") or moments.get("redirected")
            outcome = rng.choices(["met", "partly_met", "not_met"], [70, 20, 10])[0] if status == "completed" else None
            obtained = (
                rng.choices(["yes", "partly", "no", "unknown"], [70, 12, 10, 8])[0]
                if status == "completed" and rng.random() < 0.6
                else None
            )
            rows["orientations"].append(
                (
                    orientation,
                    person,
                    sender,
                    service_id,
                    receiver,
                    person,
                    volet,
                    status,
                    len(PATHS[status]) + 1,
                    "normal",
                    "Bonjour",
                    '["phone"]',
                    outcome,
                    created,
                    sent_at,
                    moments.get("received") or (decided and sent_at),
                    decided,
                    at if status in CLOSED else None,
                    sent_at + timedelta(days=30) if sent_at else None,
                    sent_at + timedelta(days=7) if sent_at else None,
                    at,
                    obtained,
                    at + timedelta(days=31) if obtained else None,
                )
            )
            rows["orientation_needs"].append((orientation, person))
            # The last event only (the one the steering figures read: a decline's reason); the inbox
            # benchmark writes whole histories.
            steps = ["draft", *PATHS[status]]
            step = steps[-1]
            reason = rng.choice(DECLINE_REASONS) if step == "declined" else OTHER_REASONS.get(step)
            rows["orientation_events"].append(
                (
                    orientation,
                    orientation,
                    moments[step],
                    SIDES.get(step, "receiver"),
                    steps[-2] if len(steps) > 1 else None,
                    step,
                    reason,
                    outcome if step == "completed" else None,
                    len(steps),
                )
            )
            if "in_progress" in moments:
                appointment_id += 1
                starts = moments["in_progress"] + timedelta(days=rng.uniform(1, 20))
                rows["appointments"].append(
                    (
                        appointment_id,
                        orientation,
                        starts,
                        "",
                        "in_person",
                        False,
                        "done" if status == "completed" else "planned",
                        moments["in_progress"],
                    )
                )
        for table, columns in COPY_COLUMNS.items():
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)
    connection.commit()
    return {
        "receivers": list(range(first_receiver, first_receiver + RECEIVERS)),
        "senders": [s for group in senders.values() for s in group] + wide_senders,
        "epcis": epcis,
        "communes": [code for code, _epci, _population in communes],
    }


def _situation(person: int) -> str:
    """Situation flags (JSON) by the person's number: a quarter in a QPV, some 60 and over, RSA…"""
    every = {"qpv": 4, "over_60": 6, "rsa": 5, "isolated": 7, "disability": 9, "no_email": 3}
    return json.dumps([flag for flag, step in every.items() if person % step == 1])


def _mixes(world: dict, rng: random.Random) -> list[tuple[str, str]]:
    """(who, query string) of a dashboard request."""
    year_ago = (NOW - timedelta(days=365)).strftime("%Y-%m")
    this_month = NOW.strftime("%Y-%m")
    return [
        ("coordinator", ""),
        ("coordinator", f"debut={year_ago}&fin={this_month}"),
        ("coordinator", f"volet={rng.choice(list(VOLETS))}"),
        ("coordinator", f"epci={rng.choice(world['epcis'])}"),
        ("coordinator", f"commune={rng.choice(world['communes'][:40])}&debut={year_ago}"),
        ("coordinator", f"destinataire={rng.choice(world['receivers'])}"),
        ("coordinator", f"emettrice={rng.choice(world['senders'])}&volet=sante"),
        ("manager", "sens=recues"),
        ("manager", f"sens=envoyees&debut={year_ago}"),
        ("coordinator", f"carte?indicateur={rng.choice(['sent_per_10k', 'acceptance_rate', 'sent'])}"),
        ("coordinator", f"carte/zones-blanches?volet={rng.choice(list(VOLETS))}"),
        ("coordinator", "public=qpv"),  # publics fragiles: the split tables and the QPV panel
        ("coordinator", f"public=over_60&epci={rng.choice(world['epcis'])}"),
    ]


def _client(app, email: str):
    from tests.conftest import FormClient

    client = FormClient(app.test_client())
    client.login(email)
    return client


def run() -> None:
    from orientation.extensions import db
    from orientation.organisations.models import MembershipRole
    from orientation.pilotage.refresh import refresh_facts
    from tests import builders

    url = _database()
    try:
        app, raw_url = bench_app(url)
        started = time.perf_counter()
        communes = _communes(app)
        with psycopg.connect(raw_url) as connection:
            world = _generate(connection)
            _generate_directory(
                connection,
                communes,
                {c[0]: c[4] for c in communes},
                first_id=DIRECTORY_FIRST_ID,
                source="bench-annuaire",
            )
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        generated_s = round(time.perf_counter() - started, 1)
        with app.app_context():
            begin = time.perf_counter()
            refresh_facts(full=True)
            db.session.commit()
            full_refresh_s = round(time.perf_counter() - begin, 1)
            # The worker's 10-minute refresh: ~1,400 orientations of the last three months moved since.
            db.session.execute(
                sa.text(
                    "UPDATE orientations SET last_activity_at = now() "
                    "WHERE sent_at > now() - interval '90 days' AND id % 60 = 0"
                )
            )
            db.session.commit()
            begin = time.perf_counter()
            incremental = refresh_facts()
            db.session.commit()
            incremental_s = round(time.perf_counter() - begin, 1)
            incremental_months = incremental.months
            with psycopg.connect(raw_url, autocommit=True) as connection:
                connection.execute(
                    "VACUUM ANALYZE pilotage_orientation_facts, pilotage_delay_facts, pilotage_decline_facts"
                )
            from orientation.pilotage import offer

            begin = time.perf_counter()
            offer.store_snapshot()
            db.session.commit()
            offer_s = round(time.perf_counter() - begin, 1)
            services = db.session.scalar(sa.text("SELECT count(*) FROM services"))
            facts = db.session.scalar(sa.text("SELECT count(*) FROM pilotage_orientation_facts"))
            delay_rows = db.session.scalar(sa.text("SELECT count(*) FROM pilotage_delay_facts"))
            from orientation.organisations.models import Organisation

            coordinator = builders.user("coordination@bench.orientation.fr", coordinator=True)
            busiest = db.session.scalar(
                sa.text("SELECT receiver_organisation_id FROM orientations GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
            )
            manager = builders.user(
                "responsable@bench.orientation.fr",
                organisation=db.session.get(Organisation, busiest),
                role=MembershipRole.MANAGER,
            )
            db.session.commit()
            emails = {"coordinator": coordinator.email, "manager": manager.email}
        clients = {who: _client(app, email) for who, email in emails.items()}
        rng = random.Random(SEED + 1)
        timings, by_mix = [], {}
        warm_up = len(_mixes(world, random.Random(0)))  # each mix once first (the map's geometry is cached)
        for round_number in range(ROUNDS + warm_up):
            mixes = _mixes(world, rng)
            who, query = mixes[round_number % len(mixes)]
            begin = time.perf_counter()
            page = query.split("?")[0] if query.startswith("carte") else ""
            response = clients[who].get(f"/pilotage/{query}" if page else f"/pilotage/?{query}")
            elapsed = (time.perf_counter() - begin) * 1000
            assert response.status_code == 200, response.status_code
            assert ("Carte du Vaucluse" if page else "Orientations envoyées") in response.get_data(as_text=True)
            if round_number >= warm_up:
                timings.append(elapsed)
                by_mix.setdefault(page or (query.split("=")[0] if query else "tout"), []).append(elapsed)
        line = {
            "bench": "dashboard",
            "orientations": ORIENTATIONS,
            "p95_ms": round(_percentile(timings, 0.95), 1),
            "p50_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            "rounds": len(timings),
            "slowest_mix_p50_ms": {key: round(statistics.median(values), 1) for key, values in sorted(by_mix.items())},
            "services": services,
            "offer_snapshot_s": offer_s,
            "fact_rows": facts,
            "delay_rows": delay_rows,
            "full_refresh_s": full_refresh_s,
            "incremental_refresh_s": incremental_s,
            "incremental_months": incremental_months,
            "generate_s": generated_s,
        }
        print(json.dumps(line), flush=True)
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"Base conservée : {raw_url}", file=sys.stderr)
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)
