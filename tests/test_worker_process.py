"""`celery -A worker worker` and `celery -A worker beat` start against real Redis."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).parent / "celery")
BROKER = "redis://127.0.0.1:6379/14"


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
        replies = []
        deadline = time.monotonic() + 60
        while not replies and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            replies = client.control.ping(timeout=1.0)
        assert any(f"ping-{os.getpid()}@" in name for reply in replies for name in reply)
    finally:
        _stop(process)


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


@pytest.mark.worker
@pytest.mark.sqlite
@pytest.mark.no_db_transaction
def test_worker_starts_on_the_embedded_broker_without_redis(tmp_path):
    env = {
        **os.environ,
        "ORIENTATION_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
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
        assert "Connected to sqla+sqlite" in output and " ready." in output
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
