"""Real processes for the delivery tests: Celery workers, private Redis servers, producer apps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from orientation import create_app
from orientation.config import celery_settings
from orientation.extensions import db
from orientation.notifications import delivery
from orientation.notifications.models import MessageStatus, OutboxMessage
from tests.conftest import testing_config
from tests.notifications.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")
TEMPLATES = str(Path(__file__).parent / "templates")
SHARED_BROKER = "redis://127.0.0.1:6379/13"  # this module's own database on the shared Redis
# A queue of this run's own: two test runs at once (CI, colleagues) never consume each other's tasks.
QUEUE = f"notifications-test-{os.getpid()}-{os.urandom(3).hex()}"
FAST = {  # so that retries and take-overs happen in seconds, not minutes
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 0,
    "NOTIFICATIONS_CLAIM_TIMEOUT": 2,
    "NOTIFICATIONS_REQUEUE_AFTER": 0,
}


def producer_app(database_url: str, broker: str, **config):
    """An app like the web process: it enqueues and hands messages to `broker` (no inline delivery)."""
    celery = {**celery_settings(broker, Path(tempfile.gettempdir())), "task_default_queue": QUEUE}
    return create_app(
        testing_config(
            database_url,
            REDIS_URL=broker,
            CELERY=celery,
            RATELIMIT_STORAGE_URI="memory://",
            NOTIFICATIONS_DELIVER_INLINE=False,
            NOTIFICATIONS_TEMPLATE_FOLDERS=[TEMPLATES],
            **{**FAST, **config},
        )
    )


def start_worker(
    database_url: str,
    broker: str,
    smtp_port: int,
    log: Path,
    *,
    name: str,
    pool: str = "solo",
    concurrency: int = 1,
    extra_env: dict | None = None,
) -> subprocess.Popen:
    env = {
        **os.environ,
        "ORIENTATION_ENV": "testing",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker,
        "SECRET_KEY": "worker-test-secret-0123456789abcdef",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_TIMEOUT": "5",
        "NOTIFICATIONS_DELIVER_INLINE": "0",
        "NOTIFICATIONS_TEMPLATE_FOLDERS": TEMPLATES,
        **{key: str(value) for key, value in FAST.items()},
        **(extra_env or {}),
    }
    command = [
        CELERY,
        "-A",
        "worker",
        "worker",
        f"--pool={pool}",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        QUEUE,
        "-n",
        f"{name}-{os.getpid()}@%h",
    ]
    if pool == "prefork":
        command.append(f"--concurrency={concurrency}")
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )  # its own group: kill it with its children
    deadline = time.monotonic() + 30
    while " ready." not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "worker not ready: " + log.read_text(errors="replace")[-3000:]
        time.sleep(0.05)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, like the OOM killer: no shutdown, no ack, whatever was in flight is cut."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


class PrivateRedis:
    """A redis-server of our own (never the shared one), stoppable and restartable on its port."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.log = log
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        import redis

        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def database(suffix: str):
    from tests.conftest import create_database, drop_database

    url = create_database(suffix)
    app = producer_app(url, SHARED_BROKER)
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    try:
        yield url
    finally:
        drop_database(url)


def statuses(app, ids: list[int]) -> dict[int, MessageStatus]:
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(ids)))
        result = dict(rows.all())
        db.session.remove()
        return result


def sweep_until_sent(app, ids: list[int], seconds: float = 20, sweep_every: float = 0.3) -> dict[int, MessageStatus]:
    """Run the sweep (as beat would, every 15 s — here faster) until every message is final."""
    deadline = time.monotonic() + seconds
    final = {MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED}
    while True:
        current = statuses(app, ids)
        if all(status in final for status in current.values()) or time.monotonic() > deadline:
            return current
        with app.app_context():
            delivery.sweep()
            db.session.remove()
        time.sleep(sweep_every)
