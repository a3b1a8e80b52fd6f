"""Import of a national data·inclusion file, streamed, then a re-sync of the same data.

Generates an NDJSON file of BENCH_SERVICES services (100,000 by default) in 30 % as many structures,
shaped like the API's records (a few empty strings, over-long phone numbers, unknown values, so the
forgiving paths run too), imports it in one transaction as `flask directory import data-inclusion`
does, then imports it again: unchanged data, nothing written. Prints
{"bench": "directory_import", "services", "seconds", "peak_rss_mb", "resync_seconds", …}.
Goal (issue #16): import ≤ 120 s, peak RSS ≤ 300 MB, re-sync ≤ 30 s on a 2-core machine.
Environment: BENCH_POSTGRES_URL (as the directory benchmark), BENCH_SERVICES.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from pathlib import Path

from bench.common import bench_app
from bench.directory_search import SERVICES, STRUCTURES, _communes, _database, _drop

THEMATIQUES = [
    "numerique--acceder-a-des-services-en-ligne",
    "sante--acces-aux-soins",
    "mobilite--preparer-un-permis",
    "famille--soutien-a-la-parentalite-et-a-leducation",
]


def _write(path: Path, communes: list) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(STRUCTURES):
            code, name, latitude, longitude, _epci = communes[number % len(communes)]
            record = {
                "source": "bench",
                "id": f"s-{number}",
                "nom": f"Structure {number} de {name}",
                "date_maj": "2025-03-01",
                "siret": "1234567890123" if number % 50 == 0 else None,  # 13 digits: dropped, warned
                "courriel": "" if number % 7 == 0 else f"contact{number}@example.org",
                "telephone": "0" * 60 if number % 100 == 0 else "04 90 00 00 00",
                "code_insee": code,
                "commune": name,
                "code_postal": "84000",
                "latitude": latitude,
                "longitude": longitude,
                "reseaux_porteurs": ["france-service"] if number % 20 == 0 else None,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        for number in range(SERVICES):
            code, name, latitude, longitude, _epci = communes[number % len(communes)]
            record = {
                "source": "bench",
                "id": f"svc-{number}",
                "structure_id": f"s-{number % STRUCTURES}",
                "nom": f"Service {number}",
                "description": f"Accompagnement numéro {number} pour les habitants de {name}.",
                "date_maj": "2025-03-01",
                "type": "accompagnement" if number % 30 else "inconnu",
                "thematiques": [THEMATIQUES[number % len(THEMATIQUES)]],
                "publics": ["tous-publics"],
                "frais": "gratuit",
                "modes_accueil": ["en-presentiel"],
                "zone_eligibilite": [code, "84"],
                "horaires_accueil": "Mo-Fr 09:00-12:00,14:00-17:00",
                "code_insee": code,
                "commune": name,
                "latitude": latitude,
                "longitude": longitude,
                "courriel": "",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _import(app, path: Path) -> tuple[float, dict]:
    from orientation.directory.importers import import_data_inclusion
    from orientation.extensions import db

    with app.app_context():
        started = time.perf_counter()
        report = import_data_inclusion([path])
        db.session.commit()
        return time.perf_counter() - started, report.counts


def run() -> None:
    url = _database()
    try:
        app, _raw_url = bench_app(url)
        communes = _communes(app)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "national.ndjson"
            _write(path, communes)
            size_mb = path.stat().st_size / 2**20
            seconds, counts = _import(app, path)
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            resync_seconds, again = _import(app, path)
        print(
            json.dumps(
                {
                    "bench": "directory_import",
                    "services": SERVICES,
                    "structures": STRUCTURES,
                    "file_mb": round(size_mb, 1),
                    "seconds": round(seconds, 1),
                    "peak_rss_mb": round(peak_rss_mb),
                    "resync_seconds": round(resync_seconds, 1),
                    "imported": counts["service"]["new"],
                    "resync_unchanged": again["service"]["unchanged"],
                    "resync_written": again["service"]["updated"] + again["structure"]["updated"],
                }
            ),
            flush=True,
        )
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)


if __name__ == "__main__":
    run()
