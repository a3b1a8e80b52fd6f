"""`/healthz` under load: 100 concurrent clients against gunicorn (2 workers), as a load balancer
and a monitoring system would call it.

Before (issue 19) each call opened a new broker connection: 70 requests/s at 220 ms. Now the
broker is pinged on a pooled connection, at most once per HEALTH_BROKER_CACHE_SECONDS; the run
is made with the default cache (5 s) and without cache (a ping on the pool at every call), and
`/healthz/ready` (database only). Target: p95 under 20 ms with 100 concurrent clients.

Environment: BENCH_POSTGRES_URL (as the other benchmarks), BENCH_REDIS_URL (the broker, only
pinged; default the local Redis), BENCH_HEALTH_REQUESTS (per run, 3000), BENCH_HEALTH_CLIENTS (100).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from bench.common import bench_app
from bench.directory_search import _database, _drop, _percentile

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUESTS = int(os.environ.get("BENCH_HEALTH_REQUESTS", "3000"))
CLIENTS = int(os.environ.get("BENCH_HEALTH_CLIENTS", "100"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(database_url: str, cache_seconds: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "ORIENTATION_ENV": "testing",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-health-" + "x" * 40,
        "HEALTH_BROKER_CACHE_SECONDS": cache_seconds,
        "RATELIMIT_HEALTH": "1000000 per minute",  # measure the check, not the limiter's 429
        "RATELIMIT_KEY_PREFIX": f"bench-health-{uuid.uuid4().hex[:8]}",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "16", "--worker-class", "gthread"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "orientation:create_app()"],
        cwd=ROOT,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base_url + "/healthz/ready", timeout=2).status_code == 200:
                return server, base_url
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.2)


def _load(base_url: str, path: str) -> dict:
    durations: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    per_client = max(1, REQUESTS // CLIENTS)
    start_together = threading.Barrier(CLIENTS)

    def client() -> None:
        mine, codes = [], {}
        with httpx.Client(base_url=base_url, timeout=30) as http:
            start_together.wait()
            for _ in range(per_client):
                started = time.perf_counter()
                status = http.get(path).status_code
                mine.append(time.perf_counter() - started)
                codes[status] = codes.get(status, 0) + 1
        with lock:
            durations.extend(mine)
            for status, count in codes.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(durations),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "per_s": round(len(durations) / elapsed, 1),
        "p50_ms": round(_percentile(durations, 0.5) * 1000, 2),
        "p95_ms": round(_percentile(durations, 0.95) * 1000, 2),
    }


def run() -> None:
    url = _database()
    try:
        app, _ = bench_app(url)
        from orientation.extensions import db

        with app.app_context():
            db.engine.dispose()
        results = {}
        for label, cache_seconds, path in (
            ("healthz", "5", "/healthz"),
            ("healthz_no_cache", "0", "/healthz"),
            ("ready", "5", "/healthz/ready"),
        ):
            server, base_url = _serve(url, cache_seconds)
            try:
                _load(base_url, path)  # warm-up: connections opened, statements prepared
                results[label] = _load(base_url, path)
            finally:
                server.terminate()
                server.wait(timeout=15)
        print(json.dumps({"bench": "health", "clients": CLIENTS, **results}))
    finally:
        _drop(url)


if __name__ == "__main__":
    run()
