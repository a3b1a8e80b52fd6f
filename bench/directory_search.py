"""Directory search at national size: 100,000 services in 30,000 structures, on PostgreSQL.

Generates the data with COPY in a database of its own, runs ANALYZE, then a mix of searches
(text + thématique/volet + commune + distance) through `search_services()` — the code the app
uses — and replays the very statements it sent (SQL and parameters) bare through psycopg; prints one
JSON line, drops the database.
Environment: BENCH_POSTGRES_URL (admin URL, default postgres@127.0.0.1:5432), BENCH_SERVICES,
BENCH_SEARCHES, BENCH_KEEP_DB=1 to keep the database for EXPLAIN.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import psycopg
import sqlalchemy as sa

from bench.common import bench_app

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SERVICES = int(os.environ.get("BENCH_SERVICES", "100000"))
STRUCTURES = max(1, SERVICES * 3 // 10)
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "240"))
SEED = 84

TEMPLATES = {
    "numerique": [
        ("Atelier numérique {level}", "numerique--maitriser-les-fondamentaux-du-numerique"),
        ("Aide aux démarches administratives en ligne", "numerique--acceder-a-des-services-en-ligne"),
        ("Accompagnement aux démarches sur ameli, CAF et impots.gouv", "numerique--acceder-a-des-services-en-ligne"),
        ("Prise en main du smartphone et de la messagerie", "numerique--maitriser-les-fondamentaux-du-numerique"),
        ("Ordinateurs reconditionnés à prix solidaire", "numerique--acquerir-un-equipement"),
        ("Accès libre à internet et aux imprimantes", "numerique--acceder-a-une-connexion-internet"),
        ("Permanence d'un conseiller numérique", "numerique--acceder-a-des-services-en-ligne"),
    ],
    "sante": [
        ("Accès aux soins et ouverture de droits (CSS, AME)", "sante--acces-aux-soins"),
        ("Consultations de médecine générale", "sante--acces-aux-soins"),
        ("Centre de soins dentaires", "sante--acces-aux-soins"),
        ("Bilan de santé gratuit", "sante--acces-aux-soins"),
        ("Consultation jeunes consommateurs", "sante--addictions"),
        ("Écoute et soutien psychologique", "sante--sante-mentale"),
        ("Aide à la constitution du dossier MDPH", "sante--constituer-un-dossier-mdph-invalidite"),
    ],
    "mobilite": [
        ("Préparation au permis de conduire à tarif solidaire", "mobilite--preparer-un-permis"),
        ("Location de voiture et de scooter solidaire", "mobilite--acceder-a-un-vehicule"),
        ("Garage solidaire : entretien et réparation", "mobilite--entretenir-reparer-son-vehicule"),
        (
            "Conseil en mobilité et bilan de compétences mobilité",
            "mobilite--etre-accompagne-dans-son-parcours-mobilite",
        ),
        ("Microcrédit et aides au financement de la mobilité", "mobilite--financer-ma-mobilite"),
        ("Vélos en prêt et ateliers de réparation de vélos", "mobilite--mobilite-douce-partagee-collective"),
    ],
    "autres": [
        ("Accompagnement vers l'emploi", "trouver-un-emploi--repondre-a-des-offres-demploi"),
        ("Aide alimentaire et épicerie solidaire", "equipement-et-alimentation--alimentation"),
        ("Soutien à la parentalité", "famille--soutien-a-la-parentalite-et-a-leducation"),
        (
            "Information sur l'accès au logement",
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
        ),
        (
            "Accompagnement aux démarches administratives",
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        ),
    ],
}
LEVELS = ["débutants", "intermédiaire", "seniors", "pour les familles", "en petit groupe"]
SENTENCES = [
    "Un accompagnement individuel et gratuit, sur rendez-vous ou sans rendez-vous.",
    "Nos conseillers vous reçoivent pour vous aider dans vos démarches.",
    "Pour les personnes éloignées du numérique, les seniors et les demandeurs d'emploi.",
    "Accueil en présentiel et à distance par téléphone.",
    "Orientation possible par les travailleurs sociaux et les partenaires.",
    "Des ateliers collectifs sont proposés chaque semaine.",
    "Le service est accessible aux personnes à mobilité réduite.",
    "Prise en charge possible selon les ressources et la situation.",
    "Nous travaillons en lien avec la CPAM, la CAF et France Travail.",
    "Les bénévoles de l'association assurent des permanences dans les villages.",
]
STRUCTURE_KINDS = [
    "Espace France Services",
    "Centre social",
    "Association",
    "CCAS",
    "Maison de santé",
    "Centre de santé",
    "Plateforme mobilité",
    "Médiathèque",
    "Tiers-lieu numérique",
    "Mission locale",
]
TOWNS = [
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nantes",
    "Lille",
    "Rennes",
    "Reims",
    "Dijon",
    "Brest",
    "Limoges",
    "Tours",
    "Amiens",
    "Metz",
    "Besançon",
    "Perpignan",
    "Orléans",
    "Rouen",
    "Caen",
    "Nancy",
    "Nîmes",
    "Clermont-Ferrand",
    "Grenoble",
    "Poitiers",
    "Pau",
    "Bayonne",
    "Valence",
    "Montélimar",
    "Arles",
    "Aix-en-Provence",
    "Gap",
]
QUERIES = [
    "démarches",
    "atelier numérique",
    "permis",
    "médecin",
    "smartphone",
    "soins dentaires",
    "garage",
    "démarches administratives",
    "numerique",
    "mobilité solidaire",
    "vélo",
    "CAF",
    "ordinateur",
    "santé mentale",
    "dossier MDPH",
    "conseiller numérique",
    "location voiture",
    "bilan de santé",
    "internet",
    "numerque",
    "permi de conduir",
    "soin",
    "emploi",
    "aide",
    "imprimante",
    "seniors",
    "parentalité",
    "",
]


def _database() -> str:
    name = f"orientation_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _generate(connection, communes: list, epcis: dict, *, first_id: int = 1, source: str = "bench") -> None:
    """COPY structures, services, thématiques and zones; the trigger fills search_vector. `first_id`,
    `source`: to add this directory beside the rows of another benchmark (bench/dashboard.py)."""
    offset = first_id - 1
    from orientation.directory.text import normalise
    from orientation.directory.thematiques import thematique_label

    rng = random.Random(SEED)
    now = datetime.now(UTC).isoformat()
    structures = []  # (name, commune_code, code_insee, town, lat, lon)
    for number in range(1, STRUCTURES + 1):
        if rng.random() < 0.12:
            commune = rng.choice(communes)
            place = (
                commune[0],
                commune[0],
                commune[1],
                commune[2] + rng.uniform(-0.01, 0.01),
                commune[3] + rng.uniform(-0.01, 0.01),
            )
        else:
            place = (
                None,
                f"{rng.randint(1, 95):02}{rng.randint(1, 999):03}",
                rng.choice(TOWNS),
                rng.uniform(42.5, 51.0),
                rng.uniform(-4.5, 7.8),
            )
        structures.append((f"{rng.choice(STRUCTURE_KINDS)} de {place[2]} {number}", *place))
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY structures (id, source, source_id, name, commune_code, code_insee, commune_name, "
            "latitude, longitude, position_is_approximate, date_maj, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            for number, (name, commune_code, code_insee, town, lat, lon) in enumerate(structures, 1):
                copy.write_row(
                    (
                        number + offset,
                        source,
                        f"s{number}",
                        name,
                        commune_code,
                        code_insee,
                        town,
                        lat,
                        lon,
                        False,
                        date(2025, 1, 1),
                        now,
                        now,
                    )
                )
        volets = list(TEMPLATES)
        service_rows, thematique_rows, zone_rows = io.StringIO(), [], []
        with cursor.copy(
            "COPY services (id, structure_id, source, source_id, name, description, commune_code, "
            "code_insee, commune_name, latitude, longitude, position_is_approximate, "
            "accepts_orientations, capacity, frais, publics, date_maj, search_text, search_title, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(1, SERVICES + 1):
                structure_id = rng.randint(1, STRUCTURES)
                s_name, commune_code, code_insee, town, lat, lon = structures[structure_id - 1]
                template, thematique = rng.choice(TEMPLATES[rng.choice(volets)])
                name = template.format(level=rng.choice(LEVELS))
                description = " ".join(rng.sample(SENTENCES, 3))
                thematiques = {thematique}
                if rng.random() < 0.3:
                    thematiques.add(rng.choice(TEMPLATES[rng.choice(volets)])[1])
                search_text = "\n".join([s_name, description, " ".join(thematique_label(t) for t in thematiques), town])
                updated = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
                copy.write_row(
                    (
                        number + offset,
                        structure_id + offset,
                        source,
                        f"v{number}",
                        name,
                        description,
                        commune_code,
                        code_insee,
                        town,
                        lat,
                        lon,
                        False,
                        rng.random() < 0.2,
                        rng.choice(["open", "open", "waiting_list", "full"]),
                        rng.choice(["gratuit", "gratuit", "payant", None]),
                        json.dumps(rng.sample(["tous-publics", "seniors", "jeunes", "familles"], 1)),
                        updated,
                        search_text,
                        normalise(f"{name} {s_name}")[:500],
                        now,
                        now,
                    )
                )
                thematique_rows += [(number + offset, t) for t in thematiques]
                roll = rng.random()
                if commune_code:
                    if roll < 0.4:
                        zone_rows.append((number + offset, commune_code))
                    elif roll < 0.7 and epcis.get(commune_code):
                        zone_rows.append((number + offset, epcis[commune_code]))
                    elif roll < 0.9:
                        zone_rows.append((number + offset, "84"))
                elif roll < 0.01:
                    zone_rows.append((number + offset, "france"))
                elif roll < 0.6:
                    zone_rows.append((number + offset, code_insee[:2]))
        del service_rows
        with cursor.copy("COPY service_thematiques (service_id, thematique) FROM STDIN") as copy:
            for row in thematique_rows:
                copy.write_row(row)
        with cursor.copy("COPY service_zones (service_id, code) FROM STDIN") as copy:
            for row in zone_rows:
                copy.write_row(row)
        for table in ("structures", "services"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    connection.commit()


def _searches(communes: list) -> list:
    from orientation.directory.queries import SearchParams
    from orientation.directory.thematiques import Volet

    rng = random.Random(SEED + 1)
    thematiques = [t for volet in ("numerique", "sante", "mobilite") for _, t in TEMPLATES[volet]]
    mix = []
    for _ in range(SEARCHES):
        commune = rng.choice(communes)
        kind = rng.random()
        params = {"text": rng.choice(QUERIES)}
        if kind < 0.35:
            params["thematique"] = rng.choice(thematiques)
        elif kind < 0.6:
            params["volet"] = rng.choice(list(Volet))
        if rng.random() < 0.7:
            params["commune_code"] = commune[0]
        if rng.random() < 0.5 or "commune_code" not in params:
            params.update(latitude=commune[2], longitude=commune[3], max_distance_km=rng.choice([5, 10, 20, 30, 50]))
        if rng.random() < 0.15:
            params["accepts_orientations"] = True
        mix.append(SearchParams(**params))
    return mix


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _communes(app) -> list[tuple]:
    """(code INSEE, name, latitude, longitude, EPCI) of the Vaucluse communes the app loaded."""
    from orientation.extensions import db
    from orientation.territory.models import Commune

    with app.app_context():
        return [
            (c.code_insee, c.name, c.latitude, c.longitude, c.epci_siren)
            for c in db.session.scalars(sa.select(Commune))
        ]


def run() -> None:
    from orientation.directory.queries import build_search_statement, search_services
    from orientation.extensions import db

    url = _database()
    try:
        app, raw_url = bench_app(url)
        communes = _communes(app)
        started = time.perf_counter()
        with psycopg.connect(raw_url) as connection:
            _generate(connection, communes, {c[0]: c[4] for c in communes})
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        generated_s = time.perf_counter() - started
        mix = _searches(communes)
        app_ms, raw_ms, statements, sent = [], [], [], []
        with app.app_context():
            # Every statement the app sends for a search (the page, the card query, the typo
            # pass's lexeme lookup, a commune's first lookup), with its parameters, is replayed
            # bare through psycopg below: the ratio is the app's own cost, not a difference in SQL.
            sa.event.listen(
                db.engine,
                "before_cursor_execute",
                lambda conn, cursor, sql, parameters, context, many: sent.append((sql, parameters)),
            )
            for params in mix[:20]:  # warm-up: caches, prepared paths
                search_services(params)
                db.session.rollback()
            for params in mix:
                sent.clear()
                begin = time.perf_counter()
                search_services(params)
                app_ms.append((time.perf_counter() - begin) * 1000)
                statements.append(list(sent))
                db.session.rollback()
        with psycopg.connect(raw_url) as connection:
            for sql_list in statements[:20]:
                for sql, parameters in sql_list:
                    connection.execute(sql, parameters).fetchall()
                connection.rollback()
            for sql_list in statements:
                begin = time.perf_counter()
                for sql, parameters in sql_list:
                    connection.execute(sql, parameters).fetchall()
                raw_ms.append((time.perf_counter() - begin) * 1000)
                connection.rollback()
        line = {
            "bench": "directory_search",
            "services": SERVICES,
            "structures": STRUCTURES,
            "searches": len(mix),
            "p50_ms": round(statistics.median(app_ms), 2),
            "p95_ms": round(_percentile(app_ms, 0.95), 2),
            "raw_sql_p50_ms": round(statistics.median(raw_ms), 2),
            "raw_sql_p95_ms": round(_percentile(raw_ms, 0.95), 2),
            "app_raw_p95_ratio": round(_percentile(app_ms, 0.95) / _percentile(raw_ms, 0.95), 2),
            "generate_s": round(generated_s, 1),
        }
        print(json.dumps(line), flush=True)
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"Base conservée : {raw_url}", file=sys.stderr)
            slowest = sorted(range(len(mix)), key=lambda i: raw_ms[i], reverse=True)[:8]
            with app.app_context():
                for index in slowest:
                    print(f"{raw_ms[index]:.1f} ms raw, {app_ms[index]:.1f} ms app : {mix[index]}", file=sys.stderr)
                    tolerant = any("candidate.word" in sql for sql, _ in statements[index])
                    print(_raw_sql(build_search_statement(mix[index], tolerant=tolerant), db), file=sys.stderr)
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)


def _raw_sql(statement, db) -> str:
    """The page statement with its values inlined, for EXPLAIN ANALYZE in psql."""
    compiled = statement.compile(
        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True, "render_postcompile": True}
    )
    return str(compiled).replace("%%", "%")
