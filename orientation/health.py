"""Health checks, cheap enough to be called by every load balancer and monitor.

- `GET /healthz` (monitoring): is the database reachable, is the broker reachable; 503 when either
  is down, so a Redis outage is seen even though the pages keep working without it.
- `GET /healthz/ready` (load balancer): can this process serve pages, i.e. is the database
  reachable. The broker is left out on purpose: a Redis outage only delays e-mails, and taking
  every web process out of the pool for it would turn a delay into an outage.

Both reuse pooled connections (the SQLAlchemy pool; one Redis connection pool per process for the
broker) and the broker's answer is kept `HEALTH_BROKER_CACHE_SECONDS`, so a call costs a
`SELECT 1` — not a new TCP connection and handshake to Redis as it used to.
"""

from __future__ import annotations

import threading
import time

import redis
from flask import Blueprint, Flask, current_app, jsonify
from flask_limiter import Limiter

from orientation.extensions import address_key, db

bp = Blueprint("health", __name__)
_PROBE_KEY = "orientation.broker_probe"
# The checks' own rate limit, counted in each process's memory: a Redis round trip per call would
# cost more than the check itself, and the checks must not depend on Redis. Bound below, with the
# blueprint; only the two views here are limited by it.
health_limiter = Limiter(key_func=address_key, storage_uri="memory://", default_limits=[], headers_enabled=False)


class BrokerProbe:
    """Whether the broker answers, asked at most once per `cache_seconds` on a connection pool."""

    def __init__(self, broker_url: str, *, socket_timeout: float, cache_seconds: float):
        self.broker_url = broker_url
        self.cache_seconds = cache_seconds
        self.socket_timeout = socket_timeout
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._status = "error"
        self._redis = None
        if broker_url.startswith(("redis://", "rediss://", "unix://")):
            pool = redis.ConnectionPool.from_url(
                broker_url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
            )
            self._redis = redis.Redis(connection_pool=pool)

    def status(self) -> str:
        if time.monotonic() - self._checked_at < self.cache_seconds:
            return self._status
        with self._lock:  # one probe at a time: concurrent calls wait for its answer
            if time.monotonic() - self._checked_at >= self.cache_seconds:
                self._status = self._probe()
                self._checked_at = time.monotonic()
            return self._status

    def _probe(self) -> str:
        try:
            if self._redis is not None:
                self._redis.ping()
            else:  # the PostgreSQL broker of `make run` (no Redis): the Celery app's connection pool
                celery = current_app.extensions["celery"]
                with celery.pool.acquire(block=True, timeout=self.socket_timeout) as connection:
                    connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            return "ok"
        except Exception:  # any failure means "not usable": report it, never raise
            return "error"


@bp.record_once
def _create_probe(state) -> None:
    app: Flask = state.app
    health_limiter.init_app(app)
    app.extensions[_PROBE_KEY] = BrokerProbe(
        app.config["CELERY"]["broker_url"],
        socket_timeout=app.config["REDIS_SOCKET_TIMEOUT"],
        cache_seconds=app.config["HEALTH_BROKER_CACHE_SECONDS"],
    )


def database_status() -> str:
    try:
        db.session.execute(db.text("SELECT 1"))
        return "ok"
    except Exception:  # any failure means "not usable": report it, never raise
        db.session.rollback()
        return "error"


def broker_status() -> str:
    return current_app.extensions[_PROBE_KEY].status()


def _report(report: dict[str, str]):
    status = 200 if all(value == "ok" for value in report.values()) else 503
    return jsonify(report), status


# Per address, high enough for load balancers and monitors polling every second or so, low enough
# that an anonymous client cannot make the database answer thousands of pings.
_health_limit = health_limiter.limit(lambda: current_app.config["RATELIMIT_HEALTH"])


@bp.get("/healthz")
@_health_limit
def healthz():
    return _report({"database": database_status(), "broker": broker_status()})


@bp.get("/healthz/ready")
@_health_limit
def ready():
    return _report({"database": database_status()})
