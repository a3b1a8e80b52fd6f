"""Delivery throughput: 2 Celery worker processes deliver N e-mails to a local SMTP sink.

Prints {"bench": "delivery", "messages": N, "workers": 2, "messages_per_s": …} (target ≥ 500/s).
What is measured is the whole pipeline after the commit: tasks handed to Redis in batches,
claims (one conditional UPDATE per batch), rendering (text + HTML), SMTP (one connection kept open
per worker process), and one UPDATE + commit per message right after the server's "250".

Environment: BENCH_POSTGRES_URL (admin URL), BENCH_REDIS_URL (default redis://127.0.0.1:6379/12,
flushed: a database of its own), BENCH_DELIVERY_MESSAGES (default 5000), BENCH_DELIVERY_WORKERS (2).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).parent / "celery")


def create_database(prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for extension in ("unaccent", "pg_trgm"):
            connection.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_app(url: str, broker: str | None, **config):
    from orientation import create_app

    return create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": broker,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SECRET_KEY": "bench-" + "x" * 40,
            "NOTIFICATIONS_DELIVER_INLINE": False,
            **config,
        }
    )


class _Counter:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        with self.lock:
            self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_sink(port: int, log: Path) -> subprocess.Popen:
    """The SMTP sink in its own process (aiosmtpd), so it does not share a GIL with the bench."""
    code = (
        "import asyncio, sys\nfrom aiosmtpd.controller import Controller\nfrom bench.delivery import _Counter\n"
        f"c = Controller(_Counter(), hostname='127.0.0.1', port={port})\nc.start()\nprint('ready', flush=True)\n"
        "import threading; threading.Event().wait()\n"
    )
    with log.open("ab") as output:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while "ready" not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.05)
    return process


def _start_worker(url: str, smtp_port: int, log: Path, index: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "ORIENTATION_ENV": "testing",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-" + "x" * 40,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "NOTIFICATIONS_DELIVER_INLINE": "0",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "worker",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench-delivery-{index}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process


def _wait_workers(count: int) -> None:
    from celery import Celery

    client = Celery(broker=REDIS_URL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(client.control.ping(timeout=0.5)) >= count:
            return
    raise RuntimeError("the bench workers did not start")


def _stop(process: subprocess.Popen, group: bool = False) -> None:
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def run() -> None:
    import redis

    from orientation.extensions import db
    from orientation.notifications.models import Channel, MessageStatus, OutboxMessage
    from orientation.notifications.operations import enqueue_message

    count = int(os.environ.get("BENCH_DELIVERY_MESSAGES", "5000"))
    workers = int(os.environ.get("BENCH_DELIVERY_WORKERS", "2"))
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = create_database("orientation_bench_delivery")
    logs = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    processes: list[subprocess.Popen] = []
    try:
        app = bench_app(url, REDIS_URL)
        with app.app_context():
            db.create_all()
        port = _free_port()
        sink = _start_sink(port, logs / "sink.log")
        processes = [_start_worker(url, port, logs / f"worker-{i}.log", i) for i in range(workers)]
        _wait_workers(workers)
        with app.app_context():
            for n in range(count):  # the digest template: subject, text + HTML in the DSFR-like layout
                enqueue_message(
                    Channel.EMAIL,
                    f"agent{n}@exemple.fr",
                    "digest",
                    {"message_ids": [], "items": []},
                    idempotency_key=f"bench:{n}",
                )
            started = time.perf_counter()
            db.session.commit()  # hands the batches to Redis
            handed_over_s = time.perf_counter() - started
            sent = 0
            deadline = time.monotonic() + 600
            while sent < count and time.monotonic() < deadline:
                time.sleep(0.05)
                sent = db.session.execute(
                    sa.select(sa.func.count()).where(OutboxMessage.status == MessageStatus.SENT)
                ).scalar_one()
                db.session.rollback()
            elapsed = time.perf_counter() - started
            failed = db.session.execute(
                sa.select(sa.func.count()).where(OutboxMessage.status != MessageStatus.SENT)
            ).scalar_one()
        print(
            json.dumps(
                {
                    "bench": "delivery",
                    "messages": count,
                    "workers": workers,
                    "seconds": round(elapsed, 2),
                    "handover_seconds": round(handed_over_s, 2),
                    "not_sent": failed,
                    "messages_per_s": round(sent / elapsed, 1),
                }
            ),
            flush=True,
        )
    finally:
        for process in processes:
            _stop(process, group=True)
        if "sink" in locals():
            _stop(sink)
        drop_database(url)
        redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    run()
