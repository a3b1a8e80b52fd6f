"""The Prometheus registry of an app: request latency observed here, database gauges read at scrape time.

Each app gets its own registry (nothing is created at import time, and tests build many apps).
Under gunicorn with several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty folder shared by
the workers: the latency histogram is then summed over every worker at each scrape (prometheus_client's
multiprocess mode) instead of being the one process's that answered.
"""

from __future__ import annotations

import os
import time

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from orientation import clock
from orientation.heartbeats import WORKER_PREFIX
from orientation.ops import queries

_KEY = "orientation.metrics"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class AppMetrics:
    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=True)
        self.request_duration = Histogram(
            "orientation_http_request_duration_seconds",
            "Time to answer a request, by endpoint (the route's name, not the path).",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(DatabaseCollector())


class DatabaseCollector(Collector):
    """Gauges computed from the database when Prometheus scrapes (inside the request's app context)."""

    def describe(self):  # the families are only known by running the queries: describe nothing up front
        return []

    def collect(self):
        now = clock.now()
        pending = GaugeMetricFamily(
            "orientation_outbox_pending_messages",
            "Messages waiting in the outbox (due or scheduled).",
            labels=["channel"],
        )
        oldest = GaugeMetricFamily(
            "orientation_outbox_oldest_pending_age_seconds",
            "How late the oldest due pending message is (0 when none is due).",
            labels=["channel"],
        )
        failed = GaugeMetricFamily(
            "orientation_outbox_failed_messages", "Messages that could not be delivered.", labels=["channel"]
        )
        sent = GaugeMetricFamily(
            "orientation_outbox_sent_last_hour", "Messages delivered in the last hour.", labels=["channel"]
        )
        for channel, count in queries.count_by_channel(queries.MessageStatus.PENDING).items():
            pending.add_metric([channel.value], count)
        for channel, since in queries.oldest_due_pending_by_channel(now).items():
            oldest.add_metric([channel.value], max((now - since).total_seconds(), 0.0) if since else 0.0)
        for channel, count in queries.count_by_channel(queries.MessageStatus.FAILED).items():
            failed.add_metric([channel.value], count)
        for channel, count in queries.sent_in_last_hour(now).items():
            sent.add_metric([channel.value], count)
        yield from (pending, oldest, failed, sent)
        yield from _heartbeat_families(now)


def _heartbeat_families(now):
    last_run = GaugeMetricFamily(
        "orientation_heartbeat_timestamp_seconds", "When the job last ran, or the worker last beat.", labels=["name"]
    )
    age = GaugeMetricFamily("orientation_heartbeat_age_seconds", "Seconds since that heartbeat.", labels=["name"])
    duration = GaugeMetricFamily(
        "orientation_heartbeat_duration_seconds", "How long the job's last run took.", labels=["name"]
    )
    workers = GaugeMetricFamily("orientation_workers_alive", "Workers with a heartbeat in the last 2 minutes.")
    alive = 0
    for heartbeat in queries.list_heartbeats():
        seconds = max((now - heartbeat.last_run_at).total_seconds(), 0.0)
        last_run.add_metric([heartbeat.name], heartbeat.last_run_at.timestamp())
        age.add_metric([heartbeat.name], seconds)
        if heartbeat.name.startswith(WORKER_PREFIX):
            alive += seconds <= 120
        else:
            duration.add_metric([heartbeat.name], heartbeat.last_duration_seconds)
    workers.add_metric([], alive)
    yield from (last_run, age, duration, workers)


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = AppMetrics()
    app.before_request(_start_timer)
    app.after_request(_observe)


def app_metrics(app: Flask | None = None) -> AppMetrics:
    return (app or current_app).extensions[_KEY]


def scrape_registry() -> CollectorRegistry:
    """The app's registry, or in multiprocess mode one that sums every process's files."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return app_metrics().registry
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(DatabaseCollector())
    return registry


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _observe(response):
    started = g.pop("request_started", None)
    if started is not None:
        endpoint = request.endpoint or "none"  # 404s share one label: a raw path would explode the series
        app_metrics().request_duration.labels(endpoint=endpoint).observe(time.perf_counter() - started)
    return response
