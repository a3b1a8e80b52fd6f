"""The partner API's directory feeds at national size, whole HTTP requests through the app.

The directory benchmark's data (100,000 services in 30,000 structures, `bench.directory_search`'s
generator, COPY into a database of its own, then `VACUUM ANALYZE`); the services' `updated_at` are
spread over two years so that `modified_after` selects a realistic share. Then, through the Flask
test client of the app (anonymous caller, rate limits raised so that the limiter never answers 429):
- a full pull, page by page at the largest page size the API allows, of
  `/data-inclusion/services`, `/data-inclusion/structures`, `/hsds/services` and `/hsds/organizations`
  (p50/p95 per page, the first and last pages — deep offsets —, the total time);
- `/hsds/service_at_locations` with Vaucluse postcodes and radii, without radius (services serving
  the postcode's communes), with `taxonomy_term_id` and `modified_after` (p50/p95).
Every SQL statement of a request is counted (the largest count of a scenario is printed).
Prints one JSON line per scenario, drops the database.
Environment: BENCH_POSTGRES_URL, BENCH_SERVICES (as the directory benchmark), BENCH_ROUNDS (rounds of
the service_at_locations mixes, 60), BENCH_PAGES (stop each full pull after that many pages, for
quick runs; the last pages are still read), BENCH_KEEP_DB=1 to keep the database for EXPLAIN.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import psycopg
import sqlalchemy as sa

from bench.common import bench_app
from bench.directory_search import SERVICES, STRUCTURES, _communes, _database, _drop, _generate, _percentile

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
MAX_PAGES = int(os.environ.get("BENCH_PAGES", "0"))  # 0: every page
UNLIMITED = "1000000/minute"
# Vaucluse postcodes: Avignon, Orange, Carpentras, Cavaillon, Pertuis, Apt, Sault, Vaison-la-Romaine
POSTCODES = ["84000", "84100", "84200", "84300", "84120", "84400", "84390", "84110"]
RADII_M = [5000, 20000, 50000]
THEMATIQUES = [
    "numerique--acceder-a-des-services-en-ligne",
    "sante--acces-aux-soins",
    "mobilite--preparer-un-permis",
    "equipement-et-alimentation--alimentation",
]


def _spread_updates(connection) -> None:
    """`updated_at` over the last two years (the generator stamps every row "now"), a tenth confirmed
    later: `modified_after` then selects a realistic share. No trigger fires (not a search column)."""
    connection.execute(
        "UPDATE services SET updated_at = now() - ((id::bigint * 7919) % 730) * interval '1 day' "
        "- ((id::bigint * 104729) % 86400) * interval '1 second', "
        "confirmed_at = CASE WHEN id % 10 = 0 THEN now() - ((id * 31) % 60) * interval '1 day' END"
    )
    connection.execute("UPDATE structures SET updated_at = now() - ((id::bigint * 7919) % 730) * interval '1 day'")
    connection.commit()


class _Client:
    """GET through the app's test client, timed, with the SQL statements each request sends."""

    def __init__(self, app):
        from orientation.extensions import db

        self.client = app.test_client()
        self.statements = 0
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        self.statements += 1

    def get(self, url: str) -> tuple[dict, float, int]:
        self.statements = 0
        begin = time.perf_counter()
        response = self.client.get(url)
        elapsed = (time.perf_counter() - begin) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} : {response.status_code} {response.get_data(as_text=True)[:500]}")
        return response.get_json(), elapsed, self.statements


def _full_pull(
    client: _Client, scenario: str, path: str, size_name: str, total_key: str, pages_key: str, items_key: str
) -> dict:
    """Every page in order, as a partner's nightly pull; with BENCH_PAGES, the first pages and the last ones."""
    from orientation.api.queries import MAX_PER_PAGE

    def url(page: int) -> str:
        return f"{path}?{urlencode({'page': page, size_name: MAX_PER_PAGE})}"

    client.get(url(1))  # warm-up: reference data, compiled statements
    first, ms, statements = client.get(url(1))
    pages = first[pages_key]
    numbers = list(range(1, pages + 1))
    if MAX_PAGES and pages > MAX_PAGES:
        numbers = numbers[: MAX_PAGES - 10] + numbers[-10:]
    timings, counts, items = {}, [], 0
    started = time.perf_counter()
    for number in numbers:
        body, ms, statements = client.get(url(number))
        timings[number] = ms
        counts.append(statements)
        items += len(body[items_key])
    total_s = time.perf_counter() - started
    values = list(timings.values())
    last = numbers[-10:]
    return {
        "bench": "api_feeds",
        "scenario": scenario,
        "services": SERVICES,
        "structures": STRUCTURES,
        "total": first[total_key],
        "items": items,
        "page_size": MAX_PER_PAGE,
        "pages": len(numbers),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(_percentile(values, 0.95), 2),
        "first_pages_p50_ms": round(statistics.median(timings[n] for n in numbers[:10]), 2),
        "last_pages_p50_ms": round(statistics.median(timings[n] for n in last), 2),
        "last_page_ms": round(timings[numbers[-1]], 2),
        "max_ms": round(max(values), 2),
        "statements_per_page": max(counts),
        "total_s": round(total_s, 1),
    }


def _mix(client: _Client, scenario: str, urls: list[str]) -> dict:
    for url in urls[:5]:
        client.get(url)
    timings, counts, found = [], [], []
    for round_ in range(ROUNDS):
        url = urls[round_ % len(urls)]
        body, ms, statements = client.get(url)
        timings.append(ms)
        counts.append(statements)
        found.append(body["total_items"])
    return {
        "bench": "api_feeds",
        "scenario": scenario,
        "services": SERVICES,
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "statements_per_request": max(counts),
        "total_items_p50": statistics.median(found),
        "total_items_max": max(found),
    }


def _service_at_locations(client: _Client) -> list[dict]:
    from orientation.api.hsds import taxonomy_term_id

    path = "/api/v1/hsds/service_at_locations"

    def url(**params) -> str:
        return f"{path}?{urlencode({'per_page': 100, **params})}"

    recent = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    terms = [taxonomy_term_id(code) for code in THEMATIQUES]
    proximity = [url(postcode=p, proximity=r) for p in POSTCODES for r in RADII_M]
    postcode = [url(postcode=p) for p in POSTCODES]
    taxonomy = [
        url(postcode=p, proximity=r, taxonomy_term_id=t)
        for p, r, t in zip(POSTCODES, RADII_M * 3, terms * 2, strict=False)
    ]
    taxonomy += [url(taxonomy_term_id=t) for t in terms]
    modified = [url(postcode=p, proximity=20000, modified_after=recent) for p in POSTCODES[:4]]
    modified += [url(modified_after=recent), url(postcode="84000", modified_after=recent)]
    deep = [url(postcode=p, proximity=50000, page=3) for p in POSTCODES[:4]]
    return [
        _mix(client, "service_at_locations_proximity", proximity),
        _mix(client, "service_at_locations_proximity_page_3", deep),
        _mix(client, "service_at_locations_postcode", postcode),
        _mix(client, "service_at_locations_taxonomy", taxonomy),
        _mix(client, "service_at_locations_modified_after", modified),
    ]


def run() -> None:

    url = _database()
    try:
        app, raw_url = bench_app(
            url, API_RATE_LIMIT=UNLIMITED, API_ANONYMOUS_RATE_LIMIT=UNLIMITED, API_ADDRESS_RATE_LIMIT=UNLIMITED
        )
        communes = _communes(app)
        started = time.perf_counter()
        with psycopg.connect(raw_url) as connection:
            _generate(connection, communes, {c[0]: c[4] for c in communes})
            _spread_updates(connection)
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        generated_s = round(time.perf_counter() - started, 1)
        client = _Client(app)
        lines = [
            _full_pull(
                client,
                "data_inclusion_services_full_pull",
                "/api/v1/data-inclusion/services",
                "size",
                "total",
                "pages",
                "items",
            ),
            _full_pull(
                client,
                "data_inclusion_structures_full_pull",
                "/api/v1/data-inclusion/structures",
                "size",
                "total",
                "pages",
                "items",
            ),
            _full_pull(
                client,
                "hsds_services_full_pull",
                "/api/v1/hsds/services",
                "per_page",
                "total_items",
                "total_pages",
                "contents",
            ),
            _full_pull(
                client,
                "hsds_organizations_full_pull",
                "/api/v1/hsds/organizations",
                "per_page",
                "total_items",
                "total_pages",
                "contents",
            ),
            *_service_at_locations(client),
        ]
        for line in lines:
            print(json.dumps({**line, "generate_s": generated_s}), flush=True)
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"Base conservée : {raw_url}", file=sys.stderr)
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            _drop(url)
