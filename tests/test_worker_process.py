"""`celery -A worker worker` and `celery -A worker beat` start against real Redis, and without Redis on
the broker in PostgreSQL that `make run` uses."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from celery import Celery

from orientation.config import sql_broker_url
from tests.conftest import create_database, drop_database

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).parent / "celery")
BROKER = "redis://127.0.0.1:6379/14"
# One after the other (pytest-xdist): beat's tasks go to the default queue the ping worker consumes.
pytestmark = pytest.mark.xdist_group("celery-default-queue")


def _env(database_url: str) -> dict:
    return {
        **os.environ,
        "REDIS_URL": BROKER,
        "DATABASE_URL": database_url,
        "ORIENTATION_ENV": "testing",
        "SECRET_KEY": "worker-test-secret-0123456789abcdef",
    }


@pytest.mark.worker
@pytest.mark.no_db_transaction
def test_worker_starts_and_answers_a_ping(database_url, tmp_path):
    process = subprocess.Popen(
        [CELERY, "-A", "worker", "worker", "--pool=solo", "--loglevel=INFO", "-n", f"ping-{os.getpid()}@%h"],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = Celery(broker=BROKER)
        answered = False
        deadline = time.monotonic() + 60
        # Until this worker answers: another worker on the same Redis (a colleague's run) may answer first.
        while not answered and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            replies = client.control.ping(timeout=1.0)
            answered = any(f"ping-{os.getpid()}@" in name for reply in replies for name in reply)
        assert answered, "the worker did not answer the ping within 60 s"
    finally:
        _stop(process)


@pytest.mark.worker
@pytest.mark.no_db_transaction
def test_a_worker_writes_its_heartbeat_and_removes_it_at_a_clean_stop(app, database_url):
    name = f"worker:beating-{os.getpid()}@test"
    process = subprocess.Popen(
        [CELERY, "-A", "worker", "worker", "--pool=solo", "--loglevel=INFO", "-n", f"beating-{os.getpid()}@test"],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    engine = sa.create_engine(database_url)
    query = sa.text("SELECT last_run_at FROM ops_heartbeats WHERE name = :name")
    try:
        beat = None
        deadline = time.monotonic() + 60
        while beat is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.5)
            with engine.connect() as connection:
                beat = connection.execute(query, {"name": name}).scalar()
        assert beat is not None, "no heartbeat row written by the worker"
    finally:
        _stop(process)
    with engine.connect() as connection:
        assert connection.execute(query, {"name": name}).scalar() is None
    engine.dispose()


@pytest.mark.worker
@pytest.mark.no_db_transaction
def test_beat_starts(database_url, tmp_path):
    process = subprocess.Popen(
        [CELERY, "-A", "worker", "beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat-schedule'}"],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "beat: Starting" in _output_until(process, "beat: Starting")
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@pytest.fixture
def database_with_broker():
    """A database and its `<name>_broker` database, as `make run` creates them."""
    url = create_database("worker_sql")
    broker = create_database("worker_sql_broker")
    yield url
    drop_database(broker)
    drop_database(url)


@pytest.mark.worker
@pytest.mark.no_db_transaction
def test_worker_runs_a_task_from_the_broker_in_postgresql_without_redis(database_with_broker, tmp_path):
    env = {
        **os.environ,
        "ORIENTATION_ENV": "testing",
        "DATABASE_URL": database_with_broker,
        "SECRET_KEY": "worker-test-secret-0123456789abcdef",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [
            CELERY,
            "-A",
            "worker",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _output_until(process, " ready.")
        assert "Connected to sqla+postgresql" in output and " ready." in output
        client = Celery(broker=sql_broker_url(database_with_broker))
        client.send_task("celery.accumulate", args=[8, 4])  # a built-in task: no table needed
        assert re.search(r"Task celery\.accumulate\[.*\] succeeded", _output_until(process, "succeeded"))
        client.close()
    finally:
        _stop(process)


def _output_until(process: subprocess.Popen, marker: str, seconds: float = 60) -> str:
    """What the process printed until `marker` appeared (or it died, or time ran out)."""
    output = ""
    deadline = time.monotonic() + seconds
    while marker not in output and time.monotonic() < deadline:
        line = process.stdout.readline()
        assert line or process.poll() is None, output
        output += line
    return output
